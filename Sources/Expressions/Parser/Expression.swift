/// A parsed expression (the text inside `${{ }}` or a bare `if:` condition).
///
/// Parse once, evaluate many times: names are resolved and folded at parse time, so evaluation
/// does no string lower-casing for context and property names. Values are `Sendable` and can be
/// shared across tasks.
public struct Expression: Sendable {
    public let source: String
    let root: Node?

    /// True when the expression calls success(), failure(), always() or cancelled() anywhere
    /// (the runner then does not wrap an `if:` in `success() && (...)`).
    public let usesStatusFunction: Bool

    /// The lower-cased top-level context names the expression uses.
    public let referencedContexts: Set<String>

    /// Parses `source`.
    /// - Parameters:
    ///   - allowedContexts: names usable as top-level contexts (nil = any name).
    ///   - allowedFunctions: function names allowed beyond the always-available built-ins
    ///     (`contains`, `startsWith`, `endsWith`, `format`, `join`, `toJSON`, `fromJSON`, `case`);
    ///     `hashFiles`, `success`, `always`, `failure` and `cancelled` are only allowed when listed.
    ///     nil = all functions allowed. Names are case-insensitive.
    /// - Throws: `ExpressionError` of kind `.lexing` or `.parsing`.
    public init(_ source: String, allowedContexts: Set<String>? = nil, allowedFunctions: Set<String>? = nil) throws(ExpressionError) {
        self.source = source
        var lexer = Lexer(source)
        let units = lexer.codeUnits
        if units.count > Parser.maximumLength {
            throw ExpressionError(.parsing, "Exceeded max expression length \(Parser.maximumLength)")
        }
        let tokens = try lexer.tokenize()
        var parser = Parser(
            source: source, units: units, tokens: tokens,
            allowedContexts: allowedContexts.map { Set($0.map(ObjectValue.fold)) },
            allowedFunctions: allowedFunctions.map { Set($0.map { $0.lowercased() }) })
        root = try parser.parse()
        usesStatusFunction = root?.usesStatusFunction ?? false
        referencedContexts = parser.referencedContexts
    }

    /// Evaluates the expression. An empty expression evaluates to `null`.
    /// - Throws: `ExpressionError` of kind `.evaluation` (e.g. a bad `format` string, invalid
    ///   `fromJSON` input, or the 1 MB memory limit for built strings).
    public func evaluate(_ context: EvaluationContext) throws(ExpressionError) -> Value {
        guard let root else { return .null }
        var state = EvaluationState(context)
        return try root.evaluate(&state)
    }
}

extension Expression: Hashable, CustomStringConvertible {
    /// Expressions are equal when their source text is.
    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
    public var description: String { source }
}
