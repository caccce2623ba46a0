/// Splits a command line into words the way a POSIX shell does for quoting: whitespace separates
/// words, `'…'` is literal, `"…"` allows `\"`, `\\`, `\$` and `` \` `` escapes, and a backslash
/// outside quotes escapes the next character. No expansion of any kind.
/// Shared by the Podman options parser and the Kubernetes pod renderer.
public enum ShellWords {
    public struct UnterminatedQuote: Error, CustomStringConvertible {
        public var description: String { "unterminated quote" }
    }

    public static func split(_ text: String) throws(UnterminatedQuote) -> [String] {
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
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                if !closed { throw UnterminatedQuote() }
            case "\\":
                // A backslash before a newline joins the lines.
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
