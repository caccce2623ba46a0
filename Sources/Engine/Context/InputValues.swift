import Expressions
import Workflow

/// Builds the `inputs` context from declared inputs (`workflow_dispatch` / `workflow_call`) and the
/// values given: defaults filled in, types applied (boolean and number inputs become booleans and
/// numbers, as on GitHub), required ones enforced.
public enum InputValues {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func resolve(_ definitions: [InputDefinition], given: ObjectValue, defaultsContext: EvaluationContext? = nil) throws -> ObjectValue {
        var inputs = ObjectValue()
        for definition in definitions {
            if let value = given[definition.name] {
                inputs[definition.name] = coerce(value, to: definition.type)
            } else if let value = definition.default {
                let evaluated = try defaultsContext.map { try Evaluator.value(value, $0) } ?? value
                inputs[definition.name] = coerce(evaluated, to: definition.type)
            } else if definition.required {
                throw Missing(description: "input '\(definition.name)' is required but was not provided")
            } else {
                inputs[definition.name] = coerce(.null, to: definition.type)
            }
            if definition.type == .choice, case .string(let choice) = inputs[definition.name], !definition.options.isEmpty,
                !definition.options.contains(choice)
            {
                throw Missing(description: "input '\(definition.name)' must be one of \(definition.options.joined(separator: ", ")), not '\(choice)'")
            }
        }
        // Inputs that were given but not declared are passed on as strings.
        for (name, value) in given.entries where inputs[name] == nil { inputs[name] = value }
        return inputs
    }

    static func coerce(_ value: Value, to type: InputType) -> Value {
        switch type {
        case .boolean:
            if case .string(let text) = value { return .bool(text.lowercased() == "true") }
            if case .null = value { return .bool(false) }
            return .bool(value.isTruthy)
        case .number:
            if case .null = value { return .number(0) }
            return .number(value.coercedNumber)
        case .string, .choice, .environment:
            if case .string = value { return value }
            return .string(value.coercedString)
        }
    }
}

extension Step {
    /// The step's `id:`, or the one GitHub generates (`__run`, `__actions_checkout`).
    public var effectiveID: String { id ?? generatedId }
}
