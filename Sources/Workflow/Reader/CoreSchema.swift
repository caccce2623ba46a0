/// YAML 1.2 core-schema interpretation of plain scalars, as GitHub's parser does it: `on`, `yes`
/// and `no` stay strings; `12_345` is a string; `0o10` and `0x1F` are integers.
enum CoreSchema {
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Parses a core-schema integer (`[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`).
    static func integer(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "o") {
                return digits(bytes[2...], radix: 8)
            }
            if bytes[1] == UInt8(ascii: "x") {
                return digits(bytes[2...], radix: 16)
            }
        }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count, bytes[index...].allSatisfy(isDigit) else { return nil }
        guard let magnitude = Double(String(decoding: bytes[index...], as: UTF8.self)) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Parses a core-schema float (including `.inf`, `-.Inf`, `.nan`).
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissaDigits = 0
        while index < bytes.count, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            var exponentDigits = 0
            while index < bytes.count, isDigit(bytes[index]) { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        var normalized = text
        if normalized.hasPrefix("+") { normalized.removeFirst() }
        if normalized.hasPrefix(".") { normalized = "0" + normalized }
        if normalized.hasPrefix("-.") { normalized = "-0" + normalized.dropFirst() }
        return Double(normalized)
    }

    /// The token kind of an untagged plain scalar.
    static func resolvePlain(_ text: String) -> Token.Kind {
        if let first = text.utf8.first {
            // Fast path: most scalars start with a letter that no special form starts with.
            let isSpecialStart = isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || first == UInt8(ascii: "~") || first == UInt8(ascii: "n")
                || first == UInt8(ascii: "N") || first == UInt8(ascii: "t") || first == UInt8(ascii: "T")
                || first == UInt8(ascii: "f") || first == UInt8(ascii: "F")
            if !isSpecialStart { return .string(text, source: nil) }
        }
        if isNull(text) { return .null }
        if let value = bool(text) { return .bool(value) }
        if let value = integer(text) { return .number(value) }
        if let value = float(text) { return .number(value) }
        return .string(text, source: nil)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func digits(_ bytes: ArraySlice<UInt8>, radix: Int) -> Double? {
        guard !bytes.isEmpty else { return nil }
        var value = 0.0
        for byte in bytes {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            value = value * Double(radix) + Double(digit)
        }
        return value
    }
}
