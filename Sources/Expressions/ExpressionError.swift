/// An error from lexing, parsing or evaluating an expression.
///
/// `message` uses GitHub's wording, e.g. "Unexpected symbol: ')'. Located at position 5 within
/// expression: 1 < )" (positions in messages are 1-based UTF-16 offsets, as GitHub counts them).
public struct ExpressionError: Error, Sendable, CustomStringConvertible {
    /// Which stage failed.
    public enum Kind: String, Sendable { case lexing, parsing, evaluation }

    public var kind: Kind
    public var message: String
    /// 0-based character (`Character`) offset in the expression source, when known. For errors
    /// from `Template`, the offset is within the template text.
    public var offset: Int?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public var description: String { message }

    /// "`problem`: '`symbol`'. Located at position N within expression: `source`", GitHub's format
    /// for errors tied to a token; `utf16Offset` is where the token starts.
    static func located(_ kind: Kind, _ problem: String, symbol: String, at utf16Offset: Int, in source: String) -> ExpressionError {
        ExpressionError(
            kind,
            "\(problem): '\(symbol)'. Located at position \(utf16Offset + 1) within expression: \(source)",
            offset: characterOffset(ofUTF16Offset: utf16Offset, in: source))
    }

    /// Converts a UTF-16 offset into a `Character` offset.
    static func characterOffset(ofUTF16Offset utf16Offset: Int, in source: String) -> Int {
        let utf16 = source.utf16
        guard utf16Offset > 0 else { return 0 }
        guard utf16Offset < utf16.count else { return source.count }
        let index = utf16.index(utf16.startIndex, offsetBy: utf16Offset)
        return source.distance(from: source.startIndex, to: index)
    }
}
