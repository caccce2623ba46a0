import Foundation

/// Which `volumes:` a job may mount, as forgejo-runner's `container.valid_volumes`: glob patterns
/// matched against a volume's name or a bind mount's host path (`*` and `**` match any text,
/// `?` one character, `[a-z]` and `[!a-z]` a set, `{a,b}` alternatives). Anonymous volumes
/// (`/path` alone) are always allowed: they belong to the container and go with it.
public struct PodmanVolumePolicy: Sendable {
    public let patterns: [String]
    private let expressions: [NSRegularExpression]

    /// Refuses every named volume and bind mount (the default).
    public init() {
        patterns = []
        expressions = []
    }

    /// - Parameter patterns: the allow-list; empty refuses every named volume and bind mount.
    public init(allowing patterns: [String]) throws {
        self.patterns = patterns
        expressions = try patterns.map { pattern in
            do {
                return try NSRegularExpression(pattern: "^" + Self.regularExpression(forGlob: pattern) + "$", options: [.dotMatchesLineSeparators])
            } catch {
                throw PodmanError("The volume pattern '\(pattern)' is not a valid glob.")
            }
        }
    }

    /// One parsed `volumes:` entry.
    public struct Volume: Sendable, Equatable {
        /// Where the data comes from.
        public enum Source: Sendable, Equatable {
            case anonymous
            case named(String)
            case hostPath(String)
        }
        public var source: Source
        public var destination: String
        public var options: [String]
    }

    /// Parses `name:/path`, `/host:/path[:ro]` or `/path` (`owner` names the container in messages).
    public static func parse(_ text: String, owner: String) throws -> Volume {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func check(destination: String) throws {
            guard destination.hasPrefix("/") else {
                throw PodmanError("The volume '\(text)' of \(owner) is invalid: the path in the container must be absolute.")
            }
        }
        switch parts.count {
        case 1:
            try check(destination: parts[0])
            return Volume(source: .anonymous, destination: parts[0], options: [])
        case 2, 3:
            let source = parts[0]
            try check(destination: parts[1])
            let options = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
            for option in options where !["ro", "rw", "z", "Z"].contains(option) {
                throw PodmanError("The volume '\(text)' of \(owner) has the option '\(option)'; supported: ro, rw, z, Z.")
            }
            if source.hasPrefix("/") { return Volume(source: .hostPath(source), destination: parts[1], options: options) }
            let nameCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_.-"))
            guard let first = source.unicodeScalars.first, CharacterSet.alphanumerics.contains(first),
                source.unicodeScalars.allSatisfy({ nameCharacters.contains($0) })
            else {
                throw PodmanError(
                    "The volume '\(text)' of \(owner) is invalid: '\(source)' is neither a volume name nor an absolute host path.")
            }
            return Volume(source: .named(source), destination: parts[1], options: options)
        default:
            throw PodmanError("The volume '\(text)' of \(owner) is invalid: expected SOURCE:PATH[:OPTIONS] or PATH.")
        }
    }

    /// Whether the volume may be mounted.
    public func allows(_ volume: Volume) -> Bool {
        let subject: String
        switch volume.source {
        case .anonymous: return true
        case .named(let name): subject = name
        case .hostPath(let path): subject = path
        }
        let range = NSRange(subject.startIndex..., in: subject)
        return expressions.contains { $0.firstMatch(in: subject, range: range) != nil }
    }

    /// Parses and checks one entry; the error names the entry, the container and the setting to change.
    public func validate(_ text: String, owner: String) throws -> Volume {
        let volume = try Self.parse(text, owner: owner)
        guard allows(volume) else {
            let allowed = patterns.isEmpty ? "no volumes are allowed" : "allowed: " + patterns.joined(separator: ", ")
            throw PodmanError(
                "The volume '\(text)' of \(owner) is not allowed (\(allowed)). Add a matching pattern to the runner's valid_volumes to allow it.")
        }
        return volume
    }

    static func regularExpression(forGlob glob: String) -> String {
        var result = ""
        var characters = Array(glob)[...]
        var braceDepth = 0
        while let character = characters.popFirst() {
            switch character {
            case "*":
                while characters.first == "*" { characters.removeFirst() }
                result += ".*"
            case "?":
                result += "."
            case "[":
                var set = ""
                var closed = false
                if characters.first == "!" || characters.first == "^" {
                    characters.removeFirst()
                    set += "^"
                }
                while let next = characters.popFirst() {
                    if next == "]" {
                        closed = true
                        break
                    }
                    set += next == "\\" || next == "[" ? "\\\(next)" : String(next)
                }
                result += closed ? "[\(set)]" : NSRegularExpression.escapedPattern(for: "[" + set)
            case "{":
                braceDepth += 1
                result += "(?:"
            case "}" where braceDepth > 0:
                braceDepth -= 1
                result += ")"
            case "," where braceDepth > 0:
                result += "|"
            case "\\":
                if let escaped = characters.popFirst() { result += NSRegularExpression.escapedPattern(for: String(escaped)) }
            default:
                result += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return result
    }
}
