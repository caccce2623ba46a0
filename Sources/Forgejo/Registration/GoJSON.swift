/// JSON text rendered byte-for-byte like Go's `encoding/json` encoder with HTML escaping (its
/// default): `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`, `/` is not escaped.
enum GoJSON {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += unicodeEscape(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// An array of strings, one per line, at the given indentation of the enclosing object.
    static func stringArray(_ values: [String], indent: String) -> String {
        guard !values.isEmpty else { return "[]" }
        let items = values.map { "\(indent)  \(string($0))" }.joined(separator: ",\n")
        return "[\n\(items)\n\(indent)]"
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
