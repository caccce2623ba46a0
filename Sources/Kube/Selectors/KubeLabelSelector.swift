import Foundation

/// A label selector in the API's string form: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a` (exists), `!a` (does not exist), joined by commas (all must hold).
public struct KubeLabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// One clause of a selector.
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]
    public let description: String

    /// Parses a selector; the empty string selects everything.
    public init(parsing text: String) throws(KubeLabelSelectorError) {
        var requirements: [Requirement] = []
        for clause in Self.splitClauses(text) {
            let trimmed = clause.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw KubeLabelSelectorError(selector: text, problem: "an empty requirement")
            }
            requirements.append(try Self.requirement(trimmed, in: text))
        }
        self.requirements = requirements
        self.description = text
    }

    /// Whether `labels` satisfies every requirement. As in Kubernetes, `!=` and `notin` also match
    /// objects that do not have the label at all.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                clauses.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        clauses.append(current)
        return clauses
    }

    private static func requirement(_ clause: String, in text: String) throws(KubeLabelSelectorError) -> Requirement {
        if clause.hasPrefix("!") {
            let key = clause.dropFirst().trimmingCharacters(in: .whitespaces)
            try check(key: key, in: text)
            return .doesNotExist(key)
        }
        for (symbol, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] as [(String, (String, String) -> Requirement)] {
            if let range = clause.range(of: symbol) {
                let key = clause[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = clause[range.upperBound...].trimmingCharacters(in: .whitespaces)
                try check(key: key, in: text)
                try check(value: value, in: text)
                return make(key, value)
            }
        }
        let words = clause.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if words.count == 1 {
            let key = String(words[0])
            try check(key: key, in: text)
            return .exists(key)
        }
        let key = String(words[0])
        var rest = words[1].trimmingCharacters(in: .whitespaces)
        let isIn: Bool
        if rest.hasPrefix("notin") {
            isIn = false
            rest = String(rest.dropFirst(5))
        } else if rest.hasPrefix("in") {
            isIn = true
            rest = String(rest.dropFirst(2))
        } else {
            throw KubeLabelSelectorError(selector: text, problem: "expected an operator after \"\(key)\"")
        }
        rest = rest.trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("("), rest.hasSuffix(")") else {
            throw KubeLabelSelectorError(selector: text, problem: "expected a parenthesised value list after \"\(key)\"")
        }
        let values = rest.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        try check(key: key, in: text)
        for value in values { try check(value: value, in: text) }
        return isIn ? .isIn(key, Set(values)) : .notIn(key, Set(values))
    }

    private static func check(key: String, in text: String) throws(KubeLabelSelectorError) {
        let name = key.split(separator: "/").last.map(String.init) ?? ""
        guard !key.isEmpty, !name.isEmpty, name.count <= 63, key.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }),
              key.first!.isLetter || key.first!.isNumber else {
            throw KubeLabelSelectorError(selector: text, problem: "invalid label key \"\(key)\"")
        }
    }

    private static func check(value: String, in text: String) throws(KubeLabelSelectorError) {
        guard value.count <= 63, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw KubeLabelSelectorError(selector: text, problem: "invalid label value \"\(value)\"")
        }
    }
}

/// A label selector that does not parse.
public struct KubeLabelSelectorError: Error, CustomStringConvertible, Sendable {
    public var selector: String
    public var problem: String

    public var description: String { "unable to parse requirement: \(problem) in selector \"\(selector)\"" }
}
