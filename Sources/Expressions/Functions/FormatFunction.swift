/// `format('Hello {0} {1}', a, b)`: replaces `{N}` with the coerced string of argument N;
/// `{{` and `}}` are literal braces. Malformed format strings and indexes past the last argument
/// are evaluation errors with GitHub's messages. Arguments are evaluated lazily, once each, in
/// the order the format string references them.
enum FormatFunction {
    private enum Segment {
        case text(Range<Int>)
        case argument(Int, specifiers: String)
    }

    static func evaluate(_ node: CallNode, _ state: inout EvaluationState) throws(ExpressionError) -> String {
        let format = try node.arguments[0].evaluate(&state).coercedString
        let bytes = Array(format.utf8)
        let segments = try parse(bytes, format: format, argumentCount: node.arguments.count - 1)

        var cache = [Value?](repeating: nil, count: node.arguments.count - 1)
        var result: [UInt8] = []
        var units = 0
        for segment in segments {
            switch segment {
            case .text(let range):
                result.append(contentsOf: bytes[range])
                units += range.count  // UTF-8 length: an upper bound of the UTF-16 length
            case .argument(let index, let specifiers):
                let value: Value
                if let cached = cache[index] {
                    value = cached
                } else {
                    value = try node.arguments[index + 1].evaluate(&state)
                    cache[index] = value
                }
                guard specifiers.isEmpty else {
                    throw ExpressionError(
                        .evaluation, "The format specifiers '\(specifiers)' are not valid for objects of type '\(value.kindName)'")
                }
                let piece = value.coercedString
                units += piece.utf16.count
                try state.check(26 + 2 * units, in: node)
                result.append(contentsOf: piece.utf8)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Splits the format string into literal text and argument references.
    private static func parse(_ bytes: [UInt8], format: String, argumentCount: Int) throws(ExpressionError) -> [Segment] {
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        func find(_ byte: UInt8, from index: Int) -> Int? {
            var position = index
            while position < bytes.count {
                if bytes[position] == byte { return position }
                position += 1
            }
            return nil
        }
        var segments: [Segment] = []
        var index = 0
        while index < bytes.count {
            let leftBrace = find(open, from: index)
            let rightBrace = find(close, from: index)
            if let left = leftBrace, rightBrace.map({ $0 > left }) ?? true {
                if at(left + 1) == open {
                    segments.append(.text(index..<(left + 1)))  // escaped "{{"
                    index = left + 2
                } else if let right = rightBrace, right > left + 1,
                          let (argument, digitsEnd) = readArgumentIndex(bytes, from: left + 1),
                          let (specifiers, closing) = readSpecifiers(bytes, from: digitsEnd)
                {
                    guard argument < argumentCount else {
                        throw ExpressionError(
                            .evaluation, "The following format string references more arguments than were supplied: \(format)")
                    }
                    if left > index { segments.append(.text(index..<left)) }
                    segments.append(.argument(argument, specifiers: specifiers))
                    index = closing + 1
                } else {
                    throw invalid(format)
                }
            } else if let right = rightBrace {
                guard at(right + 1) == close else { throw invalid(format) }
                segments.append(.text(index..<(right + 1)))  // escaped "}}"
                index = right + 2
            } else {
                segments.append(.text(index..<bytes.count))
                break
            }
        }
        return segments
    }

    /// ASCII digits forming a number 0…255; returns it and the index after the digits.
    private static func readArgumentIndex(_ bytes: [UInt8], from start: Int) -> (Int, Int)? {
        var index = start
        var value = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            if value > 255 { return nil }
            index += 1
        }
        return index > start ? (value, index) : nil
    }

    /// `}` directly, or `:specifiers}` (with `}}` escapes); returns the specifiers and the index of
    /// the closing brace.
    private static func readSpecifiers(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        guard start < bytes.count else { return nil }
        if bytes[start] == UInt8(ascii: "}") { return ("", start) }
        guard bytes[start] == UInt8(ascii: ":") else { return nil }
        var specifiers: [UInt8] = []
        var index = start + 1
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "}") {
                specifiers.append(bytes[index])
                index += 1
            } else if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "}") {
                specifiers.append(UInt8(ascii: "}"))
                index += 2
            } else {
                return (String(decoding: specifiers, as: UTF8.self), index)
            }
        }
        return nil
    }

    private static func invalid(_ format: String) -> ExpressionError {
        ExpressionError(.evaluation, "The following format string is invalid: \(format)")
    }
}
