/// String comparisons with .NET `OrdinalIgnoreCase` semantics, which GitHub uses for `==`, `<`,
/// `contains`, `startsWith` and `endsWith`: each character is upper-cased with its simple
/// (one-to-one) mapping, except that the Turkish dotted/dotless i (`İ`, `ı`) are left alone,
/// then UTF-16 code units are compared. ASCII strings take a byte-level fast path.
enum OrdinalIgnoreCase {
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let fast: Bool?? = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in asciiEquals(left, right) } ?? nil
        }
        if let fast, let result = fast { return result }
        return folded(lhs) == folded(rhs)
    }

    /// Negative, zero or positive like `String.Compare(lhs, rhs, OrdinalIgnoreCase)`.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        let fast: Int?? = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in asciiCompare(left, right) } ?? nil
        }
        if let fast, let result = fast { return result }
        return lexicographicCompare(folded(lhs), folded(rhs))
    }

    static func contains(_ haystack: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        if isASCII(haystack), isASCII(needle) {
            let found: Bool?? = haystack.utf8.withContiguousStorageIfAvailable { hay in
                needle.utf8.withContiguousStorageIfAvailable { pin in asciiFind(hay, pin) }
            }
            if let found, let result = found { return result }
        }
        let hay = folded(haystack)
        let pin = folded(needle)
        guard pin.count <= hay.count else { return false }
        for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
            if hay[start..<(start + pin.count)].elementsEqual(pin) { return true }
        }
        return false
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        if prefix.isEmpty { return true }
        if isASCII(text), isASCII(prefix) {
            let result: Bool?? = text.utf8.withContiguousStorageIfAvailable { whole in
                prefix.utf8.withContiguousStorageIfAvailable { part in
                    part.count <= whole.count && asciiMatch(whole, at: 0, part)
                }
            }
            if let result, let value = result { return value }
        }
        let whole = folded(text)
        let part = folded(prefix)
        return part.count <= whole.count && whole[0..<part.count].elementsEqual(part)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        if suffix.isEmpty { return true }
        if isASCII(text), isASCII(suffix) {
            let result: Bool?? = text.utf8.withContiguousStorageIfAvailable { whole in
                suffix.utf8.withContiguousStorageIfAvailable { part in
                    part.count <= whole.count && asciiMatch(whole, at: whole.count - part.count, part)
                }
            }
            if let result, let value = result { return value }
        }
        let whole = folded(text)
        let part = folded(suffix)
        return part.count <= whole.count && whole[(whole.count - part.count)...].elementsEqual(part)
    }

    // MARK: - ASCII fast paths

    /// O(1) for native ASCII strings (the UTF-16 count is known to equal the UTF-8 count).
    @inline(__always)
    static func isASCII(_ text: String) -> Bool {
        text.utf8.count == text.utf16.count
    }

    @inline(__always)
    static func upper(_ byte: UInt8) -> UInt8 {
        byte &- 0x61 < 26 ? byte &- 0x20 : byte
    }

    /// nil when either side contains non-ASCII text (the caller then folds fully).
    private static func asciiEquals(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard left.count == right.count else {
            // Different lengths can only be equal when some character folds to another width.
            for byte in left where byte >= 0x80 { return nil }
            for byte in right where byte >= 0x80 { return nil }
            return false
        }
        for index in 0..<left.count {
            let a = left[index]
            let b = right[index]
            if (a | b) >= 0x80 { return nil }
            if a != b, upper(a) != upper(b) { return false }
        }
        return true
    }

    private static func asciiCompare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int? {
        let common = min(left.count, right.count)
        var index = 0
        while index < common {
            let a = left[index]
            let b = right[index]
            if (a | b) >= 0x80 { return nil }
            let upperA = upper(a)
            let upperB = upper(b)
            if upperA != upperB { return Int(upperA) - Int(upperB) }
            index += 1
        }
        for byte in left[common...] where byte >= 0x80 { return nil }
        for byte in right[common...] where byte >= 0x80 { return nil }
        return left.count - right.count
    }

    @inline(__always)
    private static func asciiMatch(_ whole: UnsafeBufferPointer<UInt8>, at offset: Int, _ part: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<part.count {
            let a = whole[offset + index]
            let b = part[index]
            if a != b, upper(a) != upper(b) { return false }
        }
        return true
    }

    private static func asciiFind(_ hay: UnsafeBufferPointer<UInt8>, _ pin: UnsafeBufferPointer<UInt8>) -> Bool {
        guard pin.count <= hay.count else { return false }
        let first = upper(pin[0])
        for start in 0...(hay.count - pin.count) where upper(hay[start]) == first {
            if asciiMatch(hay, at: start, pin) { return true }
        }
        return false
    }

    // MARK: - Full folding

    /// The UTF-16 code units of `text` after simple upper-casing each scalar.
    static func folded(_ text: String) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            for unit in UTF16.encode(simpleUpper(scalar))! { units.append(unit) }
        }
        return units
    }

    private static func simpleUpper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x80 { return Unicode.Scalar(upper(UInt8(value))) }
        if value == 0x130 || value == 0x131 { return scalar }
        let mapping = scalar.properties.uppercaseMapping.unicodeScalars
        guard let first = mapping.first, mapping.index(after: mapping.startIndex) == mapping.endIndex else {
            return scalar
        }
        return first
    }

    private static func lexicographicCompare(_ left: [UInt16], _ right: [UInt16]) -> Int {
        for (a, b) in zip(left, right) where a != b { return Int(a) - Int(b) }
        return left.count - right.count
    }
}
