import Foundation

/// Reads dotenv files (`runner.env_file`) like the godotenv package forgejo-runner uses:
/// `NAME=value` (or `NAME: value`) per line, optional `export ` prefix, `#` comments, values
/// unquoted (an inline ` #` starts a comment), single-quoted (literal) or double-quoted (with
/// `\n`, `\t`, `\"`, `\\` escapes; may span lines). Variable references are not expanded.
public enum DotEnv {
    /// A line that is not `NAME=value`.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line.
        public var line: Int
        /// What is wrong.
        public var message: String
        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses the text; later assignments to the same name win.
    public static func parse(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        characters.append("\n")
        var index = 0
        var line = 1

        func skip(while predicate: (Character) -> Bool) {
            while index < characters.count, predicate(characters[index]) { index += 1 }
        }

        while index < characters.count {
            skip { $0 == " " || $0 == "\t" }
            guard index < characters.count else { break }
            if characters[index] == "\n" { index += 1; line += 1; continue }
            if characters[index] == "#" {
                skip { $0 != "\n" }
                continue
            }
            let start = index
            skip { $0 != "=" && $0 != ":" && $0 != "\n" }
            guard index < characters.count, characters[index] != "\n" else {
                let content = String(characters[start..<index]).trimmingSpaces
                throw ParseError(line: line, message: "expected NAME=value, found \"\(content)\"")
            }
            var name = String(characters[start..<index]).trimmingSpaces
            if name.hasPrefix("export ") { name = String(name.dropFirst(7)).trimmingSpaces }
            guard !name.isEmpty, !name.contains(" ") else {
                throw ParseError(line: line, message: "\"\(name)\" is not a variable name")
            }
            index += 1  // separator
            skip { $0 == " " || $0 == "\t" }
            var value = ""
            let quote = characters[index]
            if quote == "\"" || quote == "'" {
                let openLine = line
                index += 1
                var closed = false
                while index < characters.count - 1 {
                    let character = characters[index]
                    if character == quote { closed = true; index += 1; break }
                    if character == "\n" { line += 1 }
                    if quote == "\"" && character == "\\" && index + 1 < characters.count {
                        index += 1
                        switch characters[index] {
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "\"": value.append("\"")
                        case "\\": value.append("\\")
                        case "$": value.append("$")
                        case let other: value.append("\\"); value.append(other)
                        }
                        index += 1
                        continue
                    }
                    value.append(character)
                    index += 1
                }
                guard closed else {
                    throw ParseError(line: openLine, message: "the value of \(name) has no closing \(quote)")
                }
                skip { $0 != "\n" }  // anything after the closing quote (comments) is ignored
            } else {
                let valueStart = index
                skip { $0 != "\n" }
                var raw = String(characters[valueStart..<index])
                if let comment = raw.range(of: " #") ?? raw.range(of: "\t#") {
                    raw = String(raw[..<comment.lowerBound])
                }
                value = raw.trimmingSpaces
            }
            result[name] = value
        }
        return result
    }
}

private extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
