/// Splits `options:`, `command:` and `--health-cmd` text into words as a POSIX shell quotes them:
/// whitespace separates words, `'…'` is literal, `"…"` allows `\"`, `\\`, `\$` and `` \` ``, and
/// a backslash outside quotes escapes the next character. No expansion of any kind.
enum CommandWords {
    struct UnterminatedQuote: Error, CustomStringConvertible {
        var description: String { "an unterminated quote" }
    }

    static func split(_ text: String) throws(UnterminatedQuote) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                if !closed { throw UnterminatedQuote() }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\", let escaped = iterator.next() {
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                if !closed { throw UnterminatedQuote() }
            case "\\":
                guard let escaped = iterator.next(), escaped != "\n" else { continue }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
