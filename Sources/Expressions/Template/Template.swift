/// A string that may embed `${{ }}` expressions, e.g. `build-${{ matrix.os }}`.
///
/// Scanning follows GitHub's template reader: an expression ends at the first `}}` outside a
/// single-quoted string (so `${{ format('{{0}}', 1) }}` and `'it''s'` work), and an unclosed
/// `${{` is an error.
public struct Template: Sendable {
    enum Part: Sendable {
        case literal(String)
        case expression(Expression)
    }

    /// The template text as given.
    public let text: String
    let parts: [Part]

    /// Parses `text`; `allowedContexts`/`allowedFunctions` apply to every embedded expression
    /// (see `Expression.init(_:allowedContexts:allowedFunctions:)`).
    /// - Throws: `ExpressionError`; its `offset` is the character offset within `text`.
    public init(_ text: String, allowedContexts: Set<String>? = nil, allowedFunctions: Set<String>? = nil) throws(ExpressionError) {
        self.text = text
        parts = try TemplateScanner.parts(of: text, allowedContexts: allowedContexts, allowedFunctions: allowedFunctions)
    }

    /// True when `text` contains `${{`.
    public static func containsExpression(_ text: String) -> Bool {
        TemplateScanner.find(TemplateScanner.open, in: Array(text.utf8), from: 0) != nil
    }

    /// True when the template has no `${{ }}` at all.
    public var isLiteral: Bool {
        !parts.contains { if case .expression = $0 { return true } else { return false } }
    }

    /// The embedded expressions, in order.
    public var expressions: [Expression] {
        parts.compactMap { if case .expression(let expression) = $0 { return expression } else { return nil } }
    }

    /// Evaluates the template.
    ///
    /// A template that is exactly one `${{ expr }}` yields that expression's value unchanged
    /// (arrays, objects, numbers, booleans and null are kept). If only whitespace surrounds the
    /// expression, non-string values are still passed through, while a string result keeps the
    /// surrounding whitespace. Otherwise the coerced strings of all parts are concatenated into
    /// a `.string`.
    public func evaluate(_ context: EvaluationContext) throws(ExpressionError) -> Value {
        if let single = singleExpression {
            let value = try single.expression.evaluate(context)
            if case .string(let text) = value { return .string(single.leading + text + single.trailing) }
            return value
        }
        return .string(try concatenate(context))
    }

    /// Evaluates the template and coerces the result to a string (`null` → `""`, arrays → `Array`,
    /// objects → `Object`, numbers as GitHub formats them).
    public func evaluateString(_ context: EvaluationContext) throws(ExpressionError) -> String {
        if singleExpression != nil { return try evaluate(context).coercedString }
        return try concatenate(context)
    }

    private func concatenate(_ context: EvaluationContext) throws(ExpressionError) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .expression(let expression): result += try expression.evaluate(context).coercedString
            }
        }
        return result
    }

    /// The only expression, when every other part is whitespace.
    private var singleExpression: (leading: String, expression: Expression, trailing: String)? {
        var leading = ""
        var trailing = ""
        var found: Expression?
        for part in parts {
            switch part {
            case .literal(let text):
                guard text.unicodeScalars.allSatisfy({ Whitespace.isWhitespace($0.value) }) else { return nil }
                if found == nil { leading += text } else { trailing += text }
            case .expression(let expression):
                guard found == nil else { return nil }
                found = expression
            }
        }
        return found.map { (leading, $0, trailing) }
    }
}

extension Template: Hashable, CustomStringConvertible {
    /// Templates are equal when their text is.
    public static func == (lhs: Template, rhs: Template) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
    public var description: String { text }
}
