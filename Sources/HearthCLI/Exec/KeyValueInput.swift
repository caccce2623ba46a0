import Foundation

/// Parses `--secret K=V`-style options and `--env-file`-style files.
enum KeyValueInput {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// `K=V` pairs; a bare `K` takes its value from Hearth's own environment (as act does for secrets).
    static func pairs(_ items: [String], option: String) throws(Invalid) -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            if let equals = item.firstIndex(of: "=") {
                let key = String(item[..<equals])
                guard !key.isEmpty else { throw Invalid(description: "\(option) '\(item)': the name before '=' is empty") }
                result[key] = String(item[item.index(after: equals)...])
            } else if let value = ProcessInfo.processInfo.environment[item] {
                result[item] = value
            } else {
                throw Invalid(description: "\(option) '\(item)': expected NAME=VALUE (or NAME of a variable set in Hearth's environment)")
            }
        }
        return result
    }

    /// A dotenv file: `NAME=value` lines, `#` comments, optional `export `, optional quotes.
    static func file(_ path: String, option: String) throws(Invalid) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(description: "\(option) '\(path)': the file cannot be read")
        }
        var result: [String: String] = [:]
        for (number, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw Invalid(description: "\(path):\(number + 1): expected NAME=VALUE")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
                if first == "\"" { value = value.replacingOccurrences(of: "\\n", with: "\n") }
            }
            result[key] = value
        }
        return result
    }
}
