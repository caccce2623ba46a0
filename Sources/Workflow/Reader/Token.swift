/// A node of a workflow document: YAML interpreted with the core schema, and (after the template
/// reader) with `${{ }}` recognised. Positions are 1-based.
struct Token: Sendable {
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        /// A string. `source` is the text as written when it differs from the value (an escaped
        /// literal such as `${{ '${{ x }}' }}`).
        case string(String, source: String?)
        case expression(ExpressionInfo)
        case sequence([Token])
        case mapping([TokenPair])
    }

    var kind: Kind
    var line: Int
    var column: Int

    init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    var isLiteral: Bool {
        switch kind {
        case .null, .bool, .number, .string: return true
        default: return false
        }
    }

    var isExpression: Bool {
        if case .expression = kind { return true }
        return false
    }

    var string: String? {
        if case .string(let value, _) = kind { return value }
        return nil
    }

    var mapping: [TokenPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    var sequence: [Token]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    var expression: ExpressionInfo? {
        if case .expression(let info) = kind { return info }
        return nil
    }

    /// The text the engine should evaluate for a scalar: strings and expressions as written,
    /// other literals in GitHub's string form.
    var templateText: String {
        switch kind {
        case .string(let value, let source): return source ?? value
        case .expression(let info): return info.source
        default: return literalString
        }
    }

    /// GitHub's string form of a literal (null → "", booleans → true/false, numbers like .NET's G15).
    var literalString: String {
        switch kind {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return NumberFormatting.string(value)
        case .string(let value, _): return value
        case .expression(let info): return info.source
        case .sequence, .mapping: return ""
        }
    }

    /// A literal converted to a string token at the same position.
    var asStringToken: Token {
        Token(.string(literalString, source: nil), line: line, column: column)
    }

    /// Visits this token and all below it.
    func contains(where predicate: (Token) -> Bool) -> Bool {
        if predicate(self) { return true }
        switch kind {
        case .sequence(let items): return items.contains { $0.contains(where: predicate) }
        case .mapping(let pairs):
            return pairs.contains { $0.key.contains(where: predicate) || $0.value.contains(where: predicate) }
        default: return false
        }
    }

    /// The value of a mapping key (exact match).
    subscript(key: String) -> Token? {
        mapping?.first { $0.key.string == key }?.value
    }
}

/// A key and value of a mapping token.
struct TokenPair: Sendable {
    var key: Token
    var value: Token
}

/// A scalar that contains `${{ }}`.
struct ExpressionInfo: Sendable {
    /// The scalar exactly as written (a template).
    var source: String
    /// The expression to evaluate: the single expression's text (trimmed), or GitHub's
    /// `format('...', ...)` rewrite of a template with several parts.
    var expression: String
    /// True when the value is exactly one `${{ }}`.
    var isSingle: Bool
    /// True for the `${{ insert }}` directive.
    var isInsert: Bool
}
