/// Converts strings to numbers the way GitHub's runner does (`ExpressionUtility.ParseNumber`).
enum NumberParsing {
    /// Trims whitespace; empty → 0; decimal with optional sign, fraction and exponent; `0x` hex and
    /// `0o` octal (32-bit, as .NET parses them); `Infinity`/`-Infinity`; anything else → NaN.
    static func number(from text: String) -> Double {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, Whitespace.isWhitespace(scalars[start].value) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard Whitespace.isWhitespace(scalars[before].value) else { break }
            end = before
        }
        if start == end { return 0 }
        return number(ArraySlice(text.utf8[start..<end]))
    }

    /// Parses an already-trimmed token (no surrounding whitespace).
    static func number(_ bytes: ArraySlice<UInt8>) -> Double {
        if let value = decimal(bytes) { return value }
        let first = bytes.startIndex
        if bytes.count > 2, bytes[first] == UInt8(ascii: "0") {
            let marker = bytes[first + 1]
            if marker == UInt8(ascii: "x") { return radix(bytes[(first + 2)...], 16) }
            if marker == UInt8(ascii: "o") { return radix(bytes[(first + 2)...], 8) }
        }
        switch String(decoding: bytes, as: UTF8.self) {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return .nan
        }
    }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, else nil.
    private static func decimal(_ bytes: ArraySlice<UInt8>) -> Double? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var mantissaDigits = 0
        while index < end, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            var exponentDigits = 0
            while index < end, isDigit(bytes[index]) { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == end else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// Hex or octal digits parsed as .NET does into a 32-bit integer (bit pattern reinterpreted
    /// as signed); overflow → NaN.
    private static func radix(_ bytes: ArraySlice<UInt8>, _ base: UInt64) -> Double {
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where base == 16: digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where base == 16: digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return .nan
            }
            guard digit < base else { return .nan }
            value = value * base + digit
            if value > UInt64(UInt32.max) { return .nan }
        }
        return Double(Int32(bitPattern: UInt32(value)))
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// .NET's `Char.IsWhiteSpace` set, which GitHub uses for trimming and between tokens.
enum Whitespace {
    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
