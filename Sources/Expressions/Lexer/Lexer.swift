/// Splits an expression into tokens, following GitHub's lexer: keywords and numbers run until a
/// boundary character (`( [ ) ] , . ! > < = & |` or whitespace), so malformed input such as
/// `b@r`, `0xFZ` or `=2` is reported whole as an "Unexpected symbol".
struct Lexer {
    private let source: String
    private let units: [UInt16]
    private var tokens: [Token] = []
    private var offset = 0

    init(_ source: String) {
        self.source = source
        self.units = Array(source.utf16)
    }

    /// The source as UTF-16 code units (the unit GitHub's positions count in).
    var codeUnits: [UInt16] { units }

    mutating func tokenize() throws(ExpressionError) -> [Token] {
        while offset < units.count {
            let start = offset
            let unit = units[offset]
            offset += 1
            switch unit {
            case 0x28: add(.leftParen, start)  // (
            case 0x29: add(.rightParen, start)  // )
            case 0x5B: add(.leftBracket, start)  // [
            case 0x5D: add(.rightBracket, start)  // ]
            case 0x2C: add(.comma, start)  // ,
            case 0x2A: add(.star, start)  // *
            case 0x2E:  // .
                switch tokens.last?.kind {
                case .identifier, .rightBracket, .rightParen, .star: add(.dot, start)
                default: try readNumber(start)
                }
            case 0x2D, 0x2B, 0x30...0x39: try readNumber(start)  // - + 0-9
            case 0x21: add(match(0x3D) ? .notEqual : .bang, start)  // ! !=
            case 0x3C: add(match(0x3D) ? .lessEqual : .less, start)  // < <=
            case 0x3E: add(match(0x3D) ? .greaterEqual : .greater, start)  // > >=
            case 0x3D:  // ==
                if match(0x3D) { add(.equal, start) } else { try readIdentifier(start) }
            case 0x26:  // &&
                if match(0x26) { add(.and, start) } else { try readIdentifier(start) }
            case 0x7C:  // ||
                if match(0x7C) { add(.or, start) } else { try readIdentifier(start) }
            case 0x27: try readString(start)  // '
            default:
                if Self.isWhitespace(unit) { continue }
                try readIdentifier(start)
            }
        }
        return tokens
    }

    // MARK: - Token readers

    private mutating func readNumber(_ start: Int) throws(ExpressionError) {
        while offset < units.count, !Self.isBoundary(units[offset]) || units[offset] == 0x2E { offset += 1 }
        let lexeme = units[start..<offset]
        var value = Double.nan
        if lexeme.allSatisfy({ $0 < 0x80 }) {
            value = NumberParsing.number(ArraySlice(lexeme.map { UInt8($0) }))
        }
        if value.isNaN { throw unexpected(start) }
        tokens.append(Token(kind: .number, start: start, end: offset, number: value))
    }

    private mutating func readString(_ start: Int) throws(ExpressionError) {
        var content: [UInt16] = []
        while offset < units.count {
            let unit = units[offset]
            offset += 1
            if unit == 0x27 {
                if offset < units.count, units[offset] == 0x27 {
                    content.append(0x27)  // '' is an escaped quote
                    offset += 1
                    continue
                }
                tokens.append(Token(kind: .string, start: start, end: offset, text: String(decoding: content, as: UTF16.self)))
                return
            }
            content.append(unit)
        }
        throw unexpected(start)  // unterminated: the rest of the source is the symbol
    }

    private mutating func readIdentifier(_ start: Int) throws(ExpressionError) {
        while offset < units.count, !Self.isBoundary(units[offset]) { offset += 1 }
        let lexeme = units[start..<offset]
        guard Self.isLegalIdentifier(lexeme) else { throw unexpected(start) }
        let text = String(decoding: lexeme, as: UTF16.self)
        var token = Token(kind: .identifier, start: start, end: offset, text: text)
        // After a dot every word is a property name, even `true` or `NaN`.
        if tokens.last?.kind != .dot {
            switch text {
            case "true": token.kind = .trueLiteral
            case "false": token.kind = .falseLiteral
            case "null": token.kind = .nullLiteral
            case "NaN": token.kind = .number; token.number = .nan
            case "Infinity": token.kind = .number; token.number = .infinity
            default: break
            }
        }
        tokens.append(token)
    }

    // MARK: - Helpers

    private mutating func add(_ kind: TokenKind, _ start: Int) {
        tokens.append(Token(kind: kind, start: start, end: offset))
    }

    private mutating func match(_ unit: UInt16) -> Bool {
        guard offset < units.count, units[offset] == unit else { return false }
        offset += 1
        return true
    }

    private func unexpected(_ start: Int) -> ExpressionError {
        let symbol = String(decoding: units[start..<offset], as: UTF16.self)
        return ExpressionError.located(.lexing, "Unexpected symbol", symbol: symbol, at: start, in: source)
    }

    static func isWhitespace(_ unit: UInt16) -> Bool {
        unit < 0x80 ? Whitespace.isASCIIWhitespace(UInt8(unit)) : Whitespace.isWhitespace(UInt32(unit))
    }

    static func isBoundary(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x28, 0x5B, 0x29, 0x5D, 0x2C, 0x2E, 0x21, 0x3E, 0x3C, 0x3D, 0x26, 0x7C: return true
        default: return isWhitespace(unit)
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_-]*`
    static func isLegalIdentifier(_ units: ArraySlice<UInt16>) -> Bool {
        guard let first = units.first, isLetter(first) || first == 0x5F else { return false }
        return units.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    @inline(__always)
    private static func isLetter(_ unit: UInt16) -> Bool {
        (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A)
    }
}
