import Expressions
import Workflow

/// The inputs an action step passes: `with:` values evaluated, declared defaults filled in,
/// required ones enforced, and the warnings GitHub gives for unknown and deprecated inputs.
struct ActionInputs: Sendable {
    /// Input name (as declared, or as given when undeclared) → value.
    var values: [(name: String, value: String)] = []
    var warnings: [String] = []

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    init(manifest: ActionManifest, with given: OrderedMap<String>, context: EvaluationContext, uses: String) throws {
        var provided: [String: String] = [:]
        var unexpected: [String] = []
        for (name, text) in given {
            let value = try Evaluator.string(text, context)
            if let declared = manifest.inputs.keys.first(where: { $0.lowercased() == name.lowercased() }) {
                provided[declared] = value
                if let message = manifest.inputs[declared]?.deprecationMessage {
                    warnings.append("Input '\(declared)' has been deprecated with message: \(message)")
                }
            } else {
                provided[name] = value
                unexpected.append(name)
            }
        }
        if !unexpected.isEmpty {
            let valid = manifest.inputs.keys.map { "'\($0)'" }.joined(separator: ", ")
            warnings.append("Unexpected input(s) \(unexpected.map { "'\($0)'" }.joined(separator: ", ")), valid inputs are [\(valid)]")
        }
        for (name, input) in manifest.inputs {
            if let value = provided[name] {
                values.append((name, value))
            } else if let defaultValue = input.defaultValue {
                values.append((name, try Evaluator.string(defaultValue, context)))
            } else if input.required {
                throw Missing(description: "Input required and not supplied: \(name) (action '\(uses)')")
            } else {
                values.append((name, ""))
            }
        }
        for name in unexpected { values.append((name, provided[name] ?? "")) }
    }

    /// The `inputs` context inside the action.
    var context: ObjectValue {
        ObjectValue(values.map { ($0.name, Value.string($0.value)) })
    }

    /// `INPUT_<NAME>` variables, named as GitHub names them (spaces → `_`, upper-cased).
    var environment: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in values { result[Self.variableName(name)] = value }
        return result
    }

    static func variableName(_ input: String) -> String {
        "INPUT_" + input.replacingOccurrences(of: " ", with: "_").uppercased()
    }
}
