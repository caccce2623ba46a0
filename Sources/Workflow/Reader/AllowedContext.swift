import Expressions

/// The expression contexts and functions allowed at a point of the workflow, accumulated from the
/// schema definitions above it (e.g. `github`, `matrix`, `hashFiles(1,255)`).
final class AllowedContext: Sendable {
    /// The schema entries, in order, without duplicates (compared case-insensitively).
    let items: [String]
    /// Lower-cased context names.
    let namedContexts: Set<String>
    /// Lower-cased function names (`hashFiles`, `success`, ...).
    let functions: Set<String>

    static let none = AllowedContext(items: [])

    init(items: [String]) {
        self.items = items
        var named = Set<String>()
        var functions = Set<String>()
        for item in items {
            if let paren = item.firstIndex(of: "(") {
                functions.insert(item[..<paren].lowercased())
            } else {
                named.insert(item.lowercased())
            }
        }
        self.namedContexts = named
        self.functions = functions
    }

    convenience init(_ items: [String]) {
        self.init(items: items)
    }

    var isEmpty: Bool { items.isEmpty }

    /// This context extended with `more` (entries already present are skipped).
    func adding(_ more: [String]) -> AllowedContext {
        var seen = Set(items.map { $0.uppercased() })
        var merged = items
        for item in more where seen.insert(item.uppercased()).inserted {
            merged.append(item)
        }
        return AllowedContext(items: merged)
    }

    /// Parses `text` as an expression allowed here. Returns nil for a valid expression the
    /// Expressions module cannot represent: job-level `success(...)` / `failure(...)` with job
    /// names as arguments (GitHub's `success(0,MAX)`), which it only knows without arguments.
    func parse(_ text: String) throws(ExpressionError) -> Expression? {
        do {
            return try Expression(text, allowedContexts: namedContexts, allowedFunctions: functions)
        } catch {
            if allowsStatusArguments {
                let message = error.message.lowercased()
                if message.hasPrefix("too many parameters supplied: 'success'")
                    || message.hasPrefix("too many parameters supplied: 'failure'") {
                    return nil
                }
            }
            throw error
        }
    }

    /// True where `success` / `failure` take job names (`if:` of a job).
    var allowsStatusArguments: Bool {
        items.contains("success(0,MAX)") || items.contains("failure(0,MAX)")
    }
}

/// A schema definition together with the contexts allowed at the node it describes.
struct DefinitionInfo {
    let definition: SchemaDefinition
    let context: AllowedContext
}
