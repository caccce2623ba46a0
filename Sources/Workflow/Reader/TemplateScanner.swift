import Expressions

/// Splits a string scalar into literal text and `${{ }}` expressions the way GitHub's template
/// reader does (a `}}` inside a single-quoted string does not close the expression), checks each
/// expression, and builds GitHub's `format()` rewrite for templates with several parts.
enum TemplateScanner {
    enum Result {
        /// No `${{` at all.
        case literal
        /// One or more problems (messages in GitHub's wording).
        case failure([String])
        /// The whole value is `${{ 'text' }}`: the literal it stands for.
        case escapedLiteral(String)
        case expression(ExpressionInfo)
    }

    private enum Segment {
        case text(String)
        case expression(String)
        case insert
    }

    static let notClosed =
        "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found."

    private static let open: [UInt8] = Array("${{".utf8)
    private static let brace = UInt8(ascii: "}")
    private static let quote = UInt8(ascii: "'")

    /// True when `text` contains `${{`.
    static func containsExpression(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { find(open, in: $0, from: 0) != nil }
    }

    static func scan(_ raw: String, context: AllowedContext) -> Result {
        var copy = raw
        return copy.withUTF8 { bytes in scan(bytes, raw: raw, context: context) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, raw: String, context: AllowedContext) -> Result {
        guard var start = find(open, in: bytes, from: 0) else { return .literal }
        var segments: [Segment] = []
        var messages: [String] = []
        var index = 0
        while index < bytes.count {
            if index == start {
                // Find the closing "}}" outside single-quoted strings.
                var end = -1
                var inString = false
                var cursor = start + open.count
                while cursor < bytes.count {
                    let byte = bytes[cursor]
                    if byte == quote {
                        inString.toggle()
                    } else if !inString, byte == brace, bytes[cursor - 1] == brace {
                        end = cursor
                        break
                    }
                    cursor += 1
                }
                guard end >= 0 else { return .failure(messages + [notClosed]) }
                index = end + 1
                let inner = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + open.count)..<(end - 1)]), as: UTF8.self)
                switch checkExpression(inner, context: context) {
                case .success(let segment):
                    if case .insert = segment, start != 0 || index < bytes.count {
                        return .failure(messages + [
                            "The directive 'insert' is not allowed in this context. Directives are not supported for expressions that are embedded within a string. Directives are only supported when the entire value is an expression.",
                        ])
                    }
                    segments.append(segment)
                case .failure(let message):
                    messages.append(message.text)
                }
                start = find(open, in: bytes, from: index) ?? -1
            } else if start > index {
                appendText(&segments, bytes, index..<start)
                index = start
            } else {
                appendText(&segments, bytes, index..<bytes.count)
                break
            }
        }
        if !messages.isEmpty { return .failure(messages) }

        if segments.count == 1 {
            switch segments[0] {
            case .expression(let expression):
                if let literal = stringLiteral(expression) { return .escapedLiteral(literal) }
                return .expression(ExpressionInfo(source: raw, expression: expression, isSingle: true, isInsert: false))
            case .insert:
                return .expression(ExpressionInfo(source: raw, expression: "insert", isSingle: true, isInsert: true))
            case .text:
                return .literal
            }
        }

        var format = "format('"
        var arguments = ""
        var argumentIndex = 0
        for segment in segments {
            switch segment {
            case .text(let text):
                for character in text {
                    switch character {
                    case "'": format += "''"
                    case "{": format += "{{"
                    case "}": format += "}}"
                    default: format.append(character)
                    }
                }
            case .expression(let expression):
                format += "{\(argumentIndex)}"
                argumentIndex += 1
                arguments += ", " + expression
            case .insert:
                break
            }
        }
        format += "'" + arguments + ")"
        if format.utf16.count > TemplateReader.maxExpressionLength {
            return .failure(["Exceeded max expression length \(TemplateReader.maxExpressionLength)"])
        }
        return .expression(ExpressionInfo(source: raw, expression: format, isSingle: false, isInsert: false))
    }

    private struct Message: Error {
        let text: String
    }

    private static func checkExpression(_ inner: String, context: AllowedContext) -> Swift.Result<Segment, Message> {
        let trimmed = inner.trimmingWhitespace()
        if trimmed.isEmpty { return .failure(Message(text: "An expression was expected")) }
        if trimmed.hasPrefix("insert") {
            let rest = trimmed.dropFirst("insert".count)
            if rest.isEmpty { return .success(.insert) }
            if let first = rest.first, first.isWhitespace {
                let count = directiveParameterCount(rest)
                if count != 0 {
                    return .failure(Message(text:
                        "Exactly 0 parameter(s) were expected following the directive 'insert'. Actual parameter count: \(count)"))
                }
                return .success(.insert)
            }
        }
        if trimmed.utf16.count > TemplateReader.maxExpressionLength {
            return .failure(Message(text: "Exceeded max expression length \(TemplateReader.maxExpressionLength)"))
        }
        do {
            _ = try context.parse(trimmed)
        } catch {
            return .failure(Message(text: error.message))
        }
        return .success(.expression(trimmed))
    }

    /// Counts whitespace-separated parameters after a directive (quotes and parentheses group).
    private static func directiveParameterCount(_ text: Substring) -> Int {
        var count = 0
        var inString = false
        var parens = 0
        var inParameter = false
        for character in text {
            if character.isWhitespace, !inString, parens == 0 {
                if inParameter { count += 1 }
                inParameter = false
                continue
            }
            inParameter = true
            if character == "'" { inString.toggle() }
            if character == "(", !inString { parens += 1 }
            if character == ")", !inString { parens -= 1 }
        }
        return inParameter ? count + 1 : count
    }

    /// The text of an expression that is only a single-quoted string (`'it''s'` → `it's`).
    private static func stringLiteral(_ expression: String) -> String? {
        var result = ""
        var inString = false
        var first = true
        for character in expression {
            if character == "'" {
                inString.toggle()
                if inString, !first { result.append(character) }
            } else if !inString {
                return nil
            } else {
                result.append(character)
            }
            first = false
        }
        return result
    }

    private static func appendText(_ segments: inout [Segment], _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        if case .text(let previous) = segments.last {
            segments[segments.count - 1] = .text(previous + text)
        } else {
            segments.append(.text(text))
        }
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0], bytes[index + 1] == needle[1], bytes[index + 2] == needle[2] {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
