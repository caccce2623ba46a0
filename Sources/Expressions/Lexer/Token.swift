/// The kinds of token the expression lexer produces.
enum TokenKind: UInt8, Sendable {
    case leftParen, rightParen, leftBracket, rightBracket, comma, dot
    case bang, notEqual, equal, greater, greaterEqual, less, lessEqual, and, or
    case star, number, string, identifier, trueLiteral, falseLiteral, nullLiteral
}

/// One token: its kind, where it sits in the source (UTF-16 offsets, as GitHub reports them)
/// and, for literals and identifiers, its value.
struct Token: Sendable {
    var kind: TokenKind
    /// UTF-16 offset of the first code unit.
    var start: Int
    /// UTF-16 offset just past the last code unit.
    var end: Int
    /// Number literals (including `NaN` and `Infinity`).
    var number: Double = 0
    /// String literal contents (unescaped) or the identifier as written.
    var text: String = ""
}
