import Expressions

/// `strategy:` of a job.
public struct Strategy: Sendable {
    public var matrix: MatrixSpec?
    /// `fail-fast:`: `.bool` or `.string(expression)`; nil means GitHub's default, true.
    public var failFast: Value?
    /// `max-parallel:`: `.number` or `.string(expression)`; nil means unlimited.
    public var maxParallel: Value?
    /// When the whole `strategy:` is one `${{ }}` expression, its text (then the other fields are nil).
    public var expression: String?

    public init(matrix: MatrixSpec? = nil, failFast: Value? = nil, maxParallel: Value? = nil, expression: String? = nil) {
        self.matrix = matrix
        self.failFast = failFast
        self.maxParallel = maxParallel
        self.expression = expression
    }

    /// `fail-fast` when it is a literal, else true.
    public var failFastLiteral: Bool {
        if case .bool(let value) = failFast { return value }
        return true
    }
}

/// `strategy.matrix:`.
public enum MatrixSpec: Sendable {
    /// The whole matrix is one expression (`matrix: ${{ fromJSON(...) }}`); the text is the template
    /// as written, including `${{ }}`.
    case expression(String)
    /// An object: vectors (arrays, or expression strings), plus optional `include` / `exclude`
    /// (arrays of objects, or expression strings). Strings are kept as written.
    case definition(Value)
}
