/// The alternative spellings of a secret that are masked as well, after actions/runner's value
/// encoders (`ValueEncoders`, registered in `HostContext`).
///
/// - JSON string escaping (without the quotes), so `toJSON(secrets)` output and JSON logs are
///   masked: `"`, `\`, control characters (`\n`, `\r`, `\t`, `\b`, `\f`, others as `\u00XX`),
///   U+0085, U+2028, U+2029;
/// - URI data escaping (`Uri.EscapeDataString`: everything but `A-Z a-z 0-9 - _ . ~`
///   percent-encoded as upper-case UTF-8 hex);
/// - XML escaping of `< > " ' &`;
/// - expression-string escaping (`'` doubled);
/// - a value longer than 8 characters wrapped in double quotes, without the quotes;
/// - Base64 of the UTF-8 bytes, and of the bytes after dropping the first 1 or 2 bytes (a secret
///   embedded in a longer Base64 text, e.g. `user:token` in a Basic auth header, is encoded at
///   one of three alignments). Unlike GitHub, which masks the whole padded encoding, only the
///   complete 4-character groups are used: those are the characters that do not depend on what
///   follows the secret, so the secret is also masked when it is not at the end of the encoded
///   text. Encodings shorter than one group are not registered.
enum SecretEncodings {
    static func all(_ value: String) -> [String] {
        var result = [jsonEscape(value), uriDataEscape(value), xmlEscape(value), expressionEscape(value)]
        if value.count > 8, value.hasPrefix("\""), value.hasSuffix("\"") {
            result.append(String(value.dropFirst().dropLast()))
        }
        let bytes = Array(value.utf8)
        for shift in 0...2 where bytes.count > shift {
            let encoded = base64CompleteGroups(bytes[shift...])
            if !encoded.isEmpty { result.append(encoded) }
        }
        return result
    }

    static func jsonEscape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{85}", "\u{2028}", "\u{2029}":
                result += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + hex4(scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    static func uriDataEscape(_ value: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F, 0x2E, 0x7E:
                result.append(byte)
            default:
                result.append(0x25)
                result.append(digits[Int(byte >> 4)])
                result.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func xmlEscape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "&": result += "&amp;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func expressionEscape(_ value: String) -> String {
        guard value.utf8.contains(0x27) else { return value }
        var result = ""
        for scalar in value.unicodeScalars {
            if scalar == "'" { result += "''" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// Standard Base64 of the complete 3-byte groups of `bytes` (no padding).
    static func base64CompleteGroups(_ bytes: ArraySlice<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var result: [UInt8] = []
        var index = bytes.startIndex
        while index + 3 <= bytes.endIndex {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            result.append(alphabet[Int((group >> 18) & 0x3F)])
            result.append(alphabet[Int((group >> 12) & 0x3F)])
            result.append(alphabet[Int((group >> 6) & 0x3F)])
            result.append(alphabet[Int(group & 0x3F)])
            index += 3
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = ""
        for shift in stride(from: 12, through: 0, by: -4) {
            text.unicodeScalars.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
        return text
    }
}
