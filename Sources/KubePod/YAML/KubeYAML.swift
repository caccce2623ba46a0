import Foundation
import Kube
import Yams

/// Kubernetes objects as YAML people can review: one `---` document per object, keys sorted,
/// block style, multi-line strings (the step shim) as literal block scalars, and every string
/// quoted that a YAML 1.1 or 1.2 reader could take for something else (`"on"`, `"yes"`, `"0123"`,
/// `"1.0"`, `"null"`, `"*x"`, `"a: b"`, `"a #b"` …). Deterministic: the same objects give the
/// same bytes.
public enum KubeYAML {
    /// The objects as a multi-document YAML stream.
    public static func render(_ objects: [JSONValue]) -> String {
        var output = ""
        for object in objects {
            output += "---\n"
            switch object {
            case .object(let members) where !members.isEmpty:
                writeMapping(members, indent: 0, into: &output)
            case .array(let elements) where !elements.isEmpty:
                writeSequence(elements, indent: 0, into: &output)
            default:
                output += inline(object, indent: 0) + "\n"
            }
        }
        return output
    }

    /// Reads a YAML stream back into JSON values the way a YAML 1.1 reader does (`on`, `yes` and
    /// `0123` are not strings), so a round trip proves the quoting.
    public static func decode(_ text: String) throws -> [JSONValue] {
        var documents: [JSONValue] = []
        var sequence = try Yams.compose_all(yaml: text)
        while let node = sequence.next() { documents.append(try value(node)) }
        if let error = sequence.error { throw error }
        return documents
    }

    private static func value(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, element) in mapping {
                guard let name = key.string else { throw DecodeError(message: "a mapping key is not a string") }
                // A YAML 1.1 reader gives non-string keys; keep their text so a test can see them.
                members[key.tag.description == Tag.Name.str.rawValue ? name : "!\(key.tag.description):\(name)"] = try value(element)
            }
            return .object(members)
        case .sequence(let elements):
            return .array(try elements.map(value))
        case .alias:
            throw DecodeError(message: "aliases are not expected in Kubernetes objects")
        }
    }

    /// A YAML text that cannot be read as JSON values.
    public struct DecodeError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    // MARK: - Writing

    private static func writeMapping(_ members: [String: JSONValue], indent: Int, into output: inout String) {
        let pad = String(repeating: " ", count: indent)
        for key in members.keys.sorted() {
            let element = members[key]!
            output += pad + scalar(key) + ":"
            writeValue(element, indent: indent, sequenceIndentSame: true, into: &output)
        }
    }

    private static func writeSequence(_ elements: [JSONValue], indent: Int, into output: inout String) {
        let pad = String(repeating: " ", count: indent)
        for element in elements {
            switch element {
            case .object(let members) where !members.isEmpty:
                // `- ` followed by the first member on the same line, the rest aligned under it.
                var nested = ""
                writeMapping(members, indent: indent + 2, into: &nested)
                output += pad + "- " + nested.dropFirst(indent + 2)
            case .array(let inner) where !inner.isEmpty:
                var nested = ""
                writeSequence(inner, indent: indent + 2, into: &nested)
                output += pad + "- " + nested.dropFirst(indent + 2)
            case .string(let text) where isBlockCandidate(text):
                output += pad + "-" + block(text, indent: indent + 2)
            default:
                output += pad + "- " + inline(element, indent: indent) + "\n"
            }
        }
    }

    /// Writes what follows `key:` (the space, or a newline and the nested block).
    private static func writeValue(_ element: JSONValue, indent: Int, sequenceIndentSame: Bool, into output: inout String) {
        switch element {
        case .object(let members) where !members.isEmpty:
            output += "\n"
            writeMapping(members, indent: indent + 2, into: &output)
        case .array(let elements) where !elements.isEmpty:
            output += "\n"
            writeSequence(elements, indent: sequenceIndentSame ? indent : indent + 2, into: &output)
        case .string(let text) where isBlockCandidate(text):
            output += block(text, indent: indent + 2)
        default:
            output += " " + inline(element, indent: indent) + "\n"
        }
    }

    private static func inline(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            if number.isNaN { return ".nan" }
            if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
            return "\(number)"
        case .string(let text): return scalar(text)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    // MARK: - Strings

    /// Multi-line text without characters a literal block cannot hold.
    private static func isBlockCandidate(_ text: String) -> Bool {
        guard text.contains("\n") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar == "\n" || scalar == "\t" || (scalar.value >= 0x20 && scalar.value != 0x7f && !(0x80...0x9f).contains(scalar.value)
                && scalar.value != 0xFEFF && scalar.value != 0x2028 && scalar.value != 0x2029 && scalar.value != 0x85)
        }
    }

    /// ` |` + chomping (+ indentation indicator) and the indented lines.
    private static func block(_ text: String, indent: Int) -> String {
        var content = text
        var chomp = ""
        if !content.hasSuffix("\n") {
            chomp = "-"
        } else if content.hasSuffix("\n\n") {
            chomp = "+"
        }
        if chomp != "-" { content.removeLast() }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let needsIndicator = lines.first.map { $0.isEmpty || $0.hasPrefix(" ") } ?? false
        let pad = String(repeating: " ", count: indent)
        var output = " |" + (needsIndicator ? "2" : "") + chomp + "\n"
        for line in lines {
            output += line.isEmpty ? "\n" : pad + line + "\n"
        }
        return output
    }

    /// A plain scalar when no YAML reader can mistake it, else a double-quoted one.
    static func scalar(_ text: String) -> String {
        isSafePlain(text) ? text : quoted(text)
    }

    private static let reserved: Set = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    private static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        // Start with a letter, `_` or `/`: never a number, date, indicator or special float.
        let startsWell = (first >= "a" && first <= "z") || (first >= "A" && first <= "Z") || first == "_" || first == "/"
        guard startsWell, last != ":", last != " " else { return false }
        guard !reserved.contains(text.lowercased()) else { return false }
        guard !text.contains(": "), !text.contains(" #") else { return false }
        var previousSpace = false
        for scalar in text.unicodeScalars {
            let isAllowed = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || "_-./:@+=,()$%^~;?<>".unicodeScalars.contains(scalar) || scalar == " "
            guard isAllowed else { return false }
            if scalar == " " && previousSpace { return false }
            previousSpace = scalar == " "
        }
        // Flow indicators would break inside flow collections; this emitter writes none, but `,`
        // is still unusual enough in keys that quoting it costs nothing.
        return !text.contains(",")
    }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value) || scalar.value == 0xFEFF
                    || scalar.value == 0x2028 || scalar.value == 0x2029
                {
                    output += String(format: "\\u%04X", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
