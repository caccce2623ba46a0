/// GitHub's step/job id rules: validates user ids and generates unique ids for steps without one
/// (`__run`, `__actions_checkout`, `__run_2`, ...). Ids are compared case-insensitively.
struct IdBuilder {
    static let maxLength = 100
    private var segments: [Character] = []
    private var distinct = Set<String>()

    /// Returns an error message when `value` is not a valid, unused id; otherwise records it.
    mutating func tryAddKnownId(_ value: String) -> String? {
        if let problem = Self.validate(value) { return problem }
        if !distinct.insert(value.lowercased()).inserted {
            return "The identifier '\(value)' may not be used more than once within the same scope."
        }
        return nil
    }

    /// Checks the format of an id (job ids and step ids).
    static func validate(_ value: String) -> String? {
        if value.isEmpty || !isValid(value) || value.count >= maxLength {
            return "The identifier '\(value)' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than \(maxLength) characters."
        }
        if value.hasPrefix("__") {
            return "The identifier '\(value)' is invalid. IDs starting with '__' are reserved."
        }
        return nil
    }

    mutating func appendSegment(_ value: String) {
        guard let first = value.first else { return }
        if segments.isEmpty {
            if !Self.isAlpha(first), first != "_", Self.isNumeric(first) || first == "-" {
                segments.append("_")
            }
        } else {
            segments.append("_")
        }
        for character in value {
            segments.append(Self.isAlphaNumeric(character) || character == "_" || character == "-" ? character : "_")
        }
    }

    /// The id made of the appended segments, made unique with `_2`, `_3`, ... suffixes.
    mutating func build() -> String {
        let original = segments.isEmpty ? "job" : String(segments)
        segments = []
        for attempt in 1..<1000 {
            let suffix = attempt == 1 ? "" : "_\(attempt)"
            let candidate = String(original.prefix(Self.maxLength - suffix.count)) + suffix
            if distinct.insert(candidate.lowercased()).inserted {
                return candidate
            }
        }
        return original
    }

    private static func isValid(_ name: String) -> Bool {
        var first = true
        for character in name {
            if first {
                first = false
                if !isAlpha(character), character != "_" { return false }
                continue
            }
            if !isAlphaNumeric(character), character != "_", character != "-" { return false }
        }
        return true
    }

    private static func isAlpha(_ character: Character) -> Bool {
        ("a"..."z").contains(character) || ("A"..."Z").contains(character)
    }

    private static func isNumeric(_ character: Character) -> Bool {
        ("0"..."9").contains(character)
    }

    private static func isAlphaNumeric(_ character: Character) -> Bool {
        isAlpha(character) || isNumeric(character)
    }
}
