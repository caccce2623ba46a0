import Foundation
import Kube
import Yams

/// A YAML node of config.yml as JSON, with YAML 1.2 core scalars (`true`/`false`, numbers, `null`;
/// quoted scalars stay strings), for sections read by modules that work on JSON.
enum YAMLNodeJSON {
    static func value(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain && scalar.style != .any { return .string(scalar.string) }
            let text = scalar.string
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if let number = Int(text) { return .number(Double(number)) }
                if text.contains("."), let number = Double(text), number.isFinite { return .number(number) }
                return .string(text)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, child) in mapping { members[key.string ?? "\(key)"] = value(child) }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map(value))
        case .alias:
            return .null
        }
    }

    static func value(yaml text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return value(node)
    }
}
