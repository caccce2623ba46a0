/// One pattern of `@actions/glob`, as `hashFiles` uses it (Linux/macOS rules).
///
/// - Leading `!` (repeatable) negates; the rest is trimmed.
/// - Relative patterns are rooted at the working directory (the workspace); `.`/`./x` means the
///   working directory, `~`/`~/x` the home directory; `..` segments, and `.` segments other than
///   the first, are rejected.
/// - Segment syntax is minimatch's with `dot: true, nobrace, noext, nonegate, nocomment`:
///   `*`, `?`, `[...]` (with `!`/`^` negation and ranges), `**` as a whole segment for any number of
///   directories, `\` escapes; matching is case-sensitive and wildcards match leading dots.
/// - A trailing `/` makes the pattern match directories only.
struct GlobPattern: Sendable {
    /// One path segment of a pattern.
    enum Segment: Sendable, Equatable {
        case literal(String)
        case globstar
        case wildcard([Token])

        var literalName: String? {
            if case .literal(let name) = self { return name }
            return nil
        }
    }

    /// One element of a wildcard segment.
    enum Token: Sendable, Equatable {
        case character(Unicode.Scalar)
        case anyCharacter
        case anyString
        case set(negated: Bool, ranges: [ClosedRange<UInt32>])
    }

    /// Bits of `@actions/glob`'s `MatchKind`.
    struct MatchKind: OptionSet, Sendable {
        let rawValue: Int
        static let directory = MatchKind(rawValue: 1)
        static let file = MatchKind(rawValue: 2)
        static let all: MatchKind = [.directory, .file]
    }

    let negate: Bool
    /// Segments below the root `/`.
    let segments: [Segment]
    let trailingSeparator: Bool

    init(negate: Bool, segments: [Segment], trailingSeparator: Bool) {
        self.negate = negate
        self.segments = segments
        self.trailingSeparator = trailingSeparator
    }

    /// Parses `text` (already trimmed, not empty, not a comment).
    init(_ text: String, workingDirectory: [String], homeDirectory: [String]) throws(HashFilesError) {
        var pattern = Substring(text)
        var negate = false
        while pattern.hasPrefix("!") {
            negate.toggle()
            pattern = Self.trim(pattern.dropFirst())
        }
        if pattern.isEmpty { throw HashFilesError("Invalid pattern '\(text)'. The pattern cannot be empty.") }

        let isRooted = pattern.hasPrefix("/")
        var pieces = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let trailing = pattern.count > 1 && pattern.hasSuffix("/")
        var segments = pieces.map(Self.parseSegment)

        for (index, segment) in segments.enumerated() {
            if let name = Self.literal(of: segment), name == ".." || (name == "." && (index > 0 || isRooted)) {
                throw HashFilesError("Invalid pattern '\(text)'. Relative pathing '.' and '..' is not allowed.")
            }
        }

        var prefix: [Segment] = []
        if !isRooted {
            if pieces.first == "." {
                pieces.removeFirst()
                segments.removeFirst()
                prefix = workingDirectory.map(Segment.literal)
            } else if pieces.first == "~" {
                pieces.removeFirst()
                segments.removeFirst()
                prefix = homeDirectory.map(Segment.literal)
            } else {
                prefix = workingDirectory.map(Segment.literal)
            }
        }
        self.negate = negate
        self.segments = prefix + segments
        self.trailingSeparator = trailing && !(prefix.isEmpty && segments.isEmpty)
    }

    /// The literal directory before the first wildcard segment, as path components.
    var searchPath: [String] {
        var result: [String] = []
        for segment in segments {
            guard let name = Self.literal(of: segment) else { break }
            result.append(name)
        }
        return result
    }

    /// This pattern with `**` appended (the globber's implicit descendants).
    var withDescendants: GlobPattern {
        GlobPattern(negate: negate, segments: segments + [.globstar], trailingSeparator: false)
    }

    /// Whether the globber adds the implicit-descendants pattern for this one.
    var wantsDescendants: Bool { trailingSeparator || segments.last != .globstar }

    func match(_ path: [String]) -> MatchKind {
        guard Self.matchSegments(path[...], segments[...], partial: false) else { return [] }
        return trailingSeparator ? .directory : .all
    }

    /// Whether a descendant of `path` could match.
    func partialMatch(_ path: [String]) -> Bool {
        Self.matchSegments(path[...], segments[...], partial: true)
    }

    // MARK: - Matching

    private static func matchSegments(_ path: ArraySlice<String>, _ pattern: ArraySlice<Segment>, partial: Bool) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == .globstar {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var start = path.startIndex
            while true {
                if matchSegments(path[start...], rest, partial: partial) { return true }
                if start == path.endIndex { return false }
                start += 1
            }
        }
        guard let name = path.first else { return partial }
        guard matchSegment(name, first) else { return false }
        return matchSegments(path.dropFirst(), pattern.dropFirst(), partial: partial)
    }

    private static func matchSegment(_ name: String, _ segment: Segment) -> Bool {
        switch segment {
        case .literal(let literal):
            return name.unicodeScalars.elementsEqual(literal.unicodeScalars)
        case .globstar:
            return true
        case .wildcard(let tokens):
            return matchTokens(Array(name.unicodeScalars)[...], tokens[...])
        }
    }

    private static func matchTokens(_ name: ArraySlice<Unicode.Scalar>, _ tokens: ArraySlice<Token>) -> Bool {
        var name = name
        var tokens = tokens
        // Backtracking point for the most recent `*`.
        var starTokens: ArraySlice<Token>?
        var starName: ArraySlice<Unicode.Scalar> = []
        while true {
            if let token = tokens.first {
                if token == .anyString {
                    tokens = tokens.dropFirst()
                    starTokens = tokens
                    starName = name
                    continue
                }
                if let scalar = name.first, matches(token, scalar) {
                    tokens = tokens.dropFirst()
                    name = name.dropFirst()
                    continue
                }
            } else if name.isEmpty {
                return true
            }
            // Mismatch: let the last `*` swallow one more character.
            guard let resume = starTokens, !starName.isEmpty else { return false }
            starName = starName.dropFirst()
            name = starName
            tokens = resume
        }
    }

    private static func matches(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .character(let expected): return scalar == expected
        case .anyCharacter: return true
        case .anyString: return true
        case .set(let negated, let ranges):
            let contained = ranges.contains { $0.contains(scalar.value) }
            return contained != negated
        }
    }

    // MARK: - Parsing segments

    private static func parseSegment(_ text: String) -> Segment {
        if text == "**" { return .globstar }
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\" where index + 1 < scalars.count:
                tokens.append(.character(scalars[index + 1]))
                index += 2
            case "*":
                if tokens.last != .anyString { tokens.append(.anyString) }
                index += 1
            case "?":
                tokens.append(.anyCharacter)
                index += 1
            case "[":
                if let (set, next) = parseSet(scalars, from: index) {
                    tokens.append(set)
                    index = next
                } else {
                    tokens.append(.character("["))
                    index += 1
                }
            default:
                tokens.append(.character(scalar))
                index += 1
            }
        }
        if tokens.allSatisfy({ if case .character = $0 { true } else { false } }) {
            var literal = String.UnicodeScalarView()
            for case .character(let scalar) in tokens { literal.append(scalar) }
            return .literal(String(literal))
        }
        return .wildcard(tokens)
    }

    /// Parses `[...]` starting at `start`; nil when it is not closed.
    private static func parseSet(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var members: [Unicode.Scalar] = []
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while index < scalars.count {
            var scalar = scalars[index]
            if scalar == "]" && !first {
                for member in members { ranges.append(member.value...member.value) }
                return (.set(negated: negated, ranges: ranges), index + 1)
            }
            first = false
            if scalar == "\\" && index + 1 < scalars.count {
                index += 1
                scalar = scalars[index]
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                var upper = scalars[index + 2]
                var next = index + 3
                if upper == "\\" && index + 3 < scalars.count {
                    upper = scalars[index + 3]
                    next = index + 4
                }
                if scalar.value <= upper.value { ranges.append(scalar.value...upper.value) }
                index = next
                continue
            }
            members.append(scalar)
            index += 1
        }
        return nil
    }

    /// `Pattern.getLiteral`: the literal name of a segment without wildcards (a one-character set
    /// such as `[x]` counts as literal), or nil.
    private static func literal(of segment: Segment) -> String? {
        switch segment {
        case .literal(let name): return name
        case .globstar: return nil
        case .wildcard(let tokens):
            var result = String.UnicodeScalarView()
            for token in tokens {
                switch token {
                case .character(let scalar):
                    result.append(scalar)
                case .set(false, let ranges) where ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound:
                    guard let scalar = Unicode.Scalar(ranges[0].lowerBound) else { return nil }
                    result.append(scalar)
                default:
                    return nil
                }
            }
            return String(result)
        }
    }

    private static func trim(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
