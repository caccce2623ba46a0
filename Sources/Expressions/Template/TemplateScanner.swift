/// Splits template text into literal and `${{ }}` parts.
enum TemplateScanner {
    static let open = Array("${{".utf8)

    static func parts(of text: String, allowedContexts: Set<String>?, allowedFunctions: Set<String>?) throws(ExpressionError) -> [Template.Part] {
        let bytes = Array(text.utf8)
        var parts: [Template.Part] = []
        var index = 0
        while index < bytes.count {
            guard let start = find(open, in: bytes, from: index) else {
                parts.append(.literal(String(decoding: bytes[index...], as: UTF8.self)))
                break
            }
            if start > index { parts.append(.literal(String(decoding: bytes[index..<start], as: UTF8.self))) }
            // The expression ends at the first "}}" outside a single-quoted string; a doubled
            // quote toggles twice, so escaped quotes need no special case.
            var inString = false
            var end: Int?
            var position = start + open.count
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "'") {
                    inString.toggle()
                } else if !inString, byte == UInt8(ascii: "}"), position > start + open.count, bytes[position - 1] == UInt8(ascii: "}") {
                    end = position - 1
                    break
                }
                position += 1
            }
            guard let end else {
                throw ExpressionError(
                    .parsing,
                    "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
                    offset: characterOffset(bytes, start))
            }
            parts.append(.expression(try expression(bytes, from: start + open.count, to: end,
                                                    allowedContexts: allowedContexts, allowedFunctions: allowedFunctions)))
            index = end + 2
        }
        return parts
    }

    /// Parses the trimmed text between `${{` and `}}`; errors get offsets within the template.
    private static func expression(_ bytes: [UInt8], from lower: Int, to upper: Int,
                                   allowedContexts: Set<String>?, allowedFunctions: Set<String>?) throws(ExpressionError) -> Expression {
        let inner = String(decoding: bytes[lower..<upper], as: UTF8.self)
        let scalars = inner.unicodeScalars
        var first = scalars.startIndex
        var last = scalars.endIndex
        while first < last, Whitespace.isWhitespace(scalars[first].value) { first = scalars.index(after: first) }
        while last > first, Whitespace.isWhitespace(scalars[scalars.index(before: last)].value) { last = scalars.index(before: last) }
        let trimmed = String(inner[first..<last])
        let base = characterOffset(bytes, lower) + inner.distance(from: inner.startIndex, to: first)
        guard !trimmed.isEmpty else {
            throw ExpressionError(.parsing, "An expression was expected", offset: characterOffset(bytes, lower - open.count))
        }
        do {
            return try Expression(trimmed, allowedContexts: allowedContexts, allowedFunctions: allowedFunctions)
        } catch {
            var adjusted = error
            adjusted.offset = error.offset.map { $0 + base }
            throw adjusted
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func characterOffset(_ bytes: [UInt8], _ byteOffset: Int) -> Int {
        String(decoding: bytes[0..<byteOffset], as: UTF8.self).count
    }
}
