import Expressions

/// Conversions from validated tokens to model values.
enum TokenValues {
    /// The token as an expression-language value; strings and expressions are kept as written.
    static func value(_ token: Token) -> Value {
        switch token.kind {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string, .expression: return .string(token.templateText)
        case .sequence(let items): return .array(items.map(value))
        case .mapping(let pairs):
            var object = ObjectValue()
            for pair in pairs { object[pair.key.templateText] = value(pair.value) }
            return .object(object)
        }
    }

    /// A literal-or-expression field: `.number`/`.bool` for literals, `.string` for expressions.
    static func scalar(_ token: Token) -> Value? {
        switch token.kind {
        case .null: return nil
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string, .expression: return .string(token.templateText)
        case .sequence, .mapping: return value(token)
        }
    }

    /// A string-valued mapping (env, outputs, with): keys and values as written.
    static func stringMap(_ token: Token) -> OrderedMap<String> {
        var map = OrderedMap<String>()
        for pair in token.mapping ?? [] {
            map.append(pair.key.templateText, pair.value.templateText)
        }
        return map
    }

    /// A string or a sequence of strings.
    static func stringList(_ token: Token) -> [String] {
        switch token.kind {
        case .sequence(let items): return items.map(\.templateText)
        case .mapping: return []
        default: return [token.templateText]
        }
    }

    /// The text of a scalar, nil for null and collections.
    static func text(_ token: Token) -> String? {
        switch token.kind {
        case .null, .sequence, .mapping: return nil
        default: return token.templateText
        }
    }

    static func bool(_ token: Token) -> Bool? {
        if case .bool(let value) = token.kind { return value }
        return nil
    }
}
