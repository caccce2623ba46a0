/// A recursive-descent parser producing the node tree, with GitHub's precedence (high to low):
/// postfix `.`/`[]`, `!`, `< <= > >=`, `== !=`, `&&`, `||`. Errors carry GitHub's messages.
struct Parser {
    static let maximumDepth = 50
    static let maximumLength = 21_000
    /// Nesting of recursive constructs tolerated before giving up, protecting the stack from
    /// inputs such as thousands of `(` (anything this deep exceeds the depth limit anyway, unless
    /// it is only redundant parentheses).
    private static let maximumNesting = 100

    private let source: String
    private let units: [UInt16]
    private let tokens: [Token]
    private let allowedContexts: Set<String>?
    private let allowedFunctions: Set<String>?
    private var position = 0
    private var nesting = 0
    private(set) var referencedContexts: Set<String> = []

    init(source: String, units: [UInt16], tokens: [Token], allowedContexts: Set<String>?, allowedFunctions: Set<String>?) {
        self.source = source
        self.units = units
        self.tokens = tokens
        self.allowedContexts = allowedContexts
        self.allowedFunctions = allowedFunctions
    }

    /// The whole expression; nil when there are no tokens.
    mutating func parse() throws(ExpressionError) -> Node? {
        guard !atEnd else { return nil }
        let root = try expression()
        if let token = peek { throw unexpected(token) }
        if root.height > Self.maximumDepth { throw Self.depthError() }
        return root
    }

    // MARK: - Grammar

    private mutating func expression() throws(ExpressionError) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maximumNesting { throw Self.depthError() }
        return try logicalOr()
    }

    private mutating func logicalOr() throws(ExpressionError) -> Node {
        let first = try logicalAnd()
        guard check(.or) else { return first }
        var operands = flatten(first, isAnd: false)
        while match(.or) { operands += flatten(try logicalAnd(), isAnd: false) }
        return LogicalNode(isAnd: false, operands: operands)
    }

    private mutating func logicalAnd() throws(ExpressionError) -> Node {
        let first = try equality()
        guard check(.and) else { return first }
        var operands = flatten(first, isAnd: true)
        while match(.and) { operands += flatten(try equality(), isAnd: true) }
        return LogicalNode(isAnd: true, operands: operands)
    }

    /// `(a && b) && c` is one node with three operands, as in GitHub's tree (this matters for depth).
    private func flatten(_ node: Node, isAnd: Bool) -> [Node] {
        if let logical = node as? LogicalNode, logical.isAnd == isAnd { return logical.operands }
        return [node]
    }

    private mutating func equality() throws(ExpressionError) -> Node {
        var node = try comparison()
        while let token = peek, token.kind == .equal || token.kind == .notEqual {
            position += 1
            node = ComparisonNode(token.kind == .equal ? .equal : .notEqual, node, try comparison())
        }
        return node
    }

    private mutating func comparison() throws(ExpressionError) -> Node {
        var node = try unary()
        while let token = peek {
            let op: ComparisonNode.Operator
            switch token.kind {
            case .greater: op = .greater
            case .greaterEqual: op = .greaterOrEqual
            case .less: op = .less
            case .lessEqual: op = .lessOrEqual
            default: return node
            }
            position += 1
            node = ComparisonNode(op, node, try unary())
        }
        return node
    }

    private mutating func unary() throws(ExpressionError) -> Node {
        guard match(.bang) else { return try postfix() }
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maximumNesting { throw Self.depthError() }
        return NotNode(try unary())
    }

    /// Property access and indexing, allowed after a context, a function call or a group.
    private mutating func postfix() throws(ExpressionError) -> Node {
        let (primary, indexable) = try call()
        guard indexable else { return primary }
        var node = primary
        while true {
            if match(.leftBracket) {
                let key: IndexNode.Key
                if match(.star) {
                    key = .wildcard
                } else {
                    let keyNode = try expression()
                    if let literal = keyNode as? LiteralNode {
                        key = .constant(IndexNode.ConstantKey(literal.value))
                    } else {
                        key = .dynamic(keyNode)
                    }
                }
                try consume(.rightBracket)
                node = IndexNode(base: node, key: key)
            } else if match(.dot) {
                if let token = peek, token.kind == .identifier {
                    position += 1
                    node = IndexNode(base: node, key: .constant(IndexNode.ConstantKey(.string(token.text))))
                } else if match(.star) {
                    node = IndexNode(base: node, key: .wildcard)
                } else {
                    throw unexpectedHere()
                }
            } else {
                return node
            }
        }
    }

    /// A context name, a function call, or a primary; the flag says whether postfix operators may follow.
    private mutating func call() throws(ExpressionError) -> (Node, Bool) {
        guard let identifier = peek, identifier.kind == .identifier else { return try primary() }
        position += 1
        guard match(.leftParen) else {
            let folded = ObjectValue.fold(identifier.text)
            if let allowedContexts, !allowedContexts.contains(folded) {
                throw located("Unrecognized named-value", identifier)
            }
            referencedContexts.insert(folded)
            return (ContextNode(foldedName: folded), true)
        }
        guard let function = BuiltinFunction.named(identifier.text),
              !function.isRestricted || allowedFunctions.map({ $0.contains(function.name.lowercased()) }) ?? true
        else {
            throw located("Unrecognized function", identifier)
        }
        nesting += 1
        defer { nesting -= 1 }
        var arguments: [Node] = []
        while !match(.rightParen) {
            arguments.append(try expression())
            if !check(.rightParen) { try consume(.comma) }
        }
        if arguments.count < function.minimumArguments {
            throw located("Too few parameters supplied", identifier)
        }
        if arguments.count > function.maximumArguments {
            throw located("Too many parameters supplied", identifier)
        }
        if function == .caseOf, arguments.count % 2 == 0 {
            throw located("Even number of parameters supplied, requires an odd number of parameters", identifier)
        }
        let text = String(decoding: units[identifier.start..<tokens[position - 1].end], as: UTF16.self)
        return (CallNode(function, arguments: arguments, sourceText: text), true)
    }

    private mutating func primary() throws(ExpressionError) -> (Node, Bool) {
        guard let token = peek else { throw endOfExpression() }
        position += 1
        switch token.kind {
        case .falseLiteral: return (LiteralNode(.bool(false)), false)
        case .trueLiteral: return (LiteralNode(.bool(true)), false)
        case .nullLiteral: return (LiteralNode(.null), false)
        case .number: return (LiteralNode(.number(token.number)), false)
        case .string: return (LiteralNode(.string(token.text)), false)
        case .leftParen:
            let inner = try expression()
            try consume(.rightParen)
            return (inner, true)
        default:
            throw unexpected(token)
        }
    }

    // MARK: - Token helpers

    private var atEnd: Bool { position >= tokens.count }

    private var peek: Token? { position < tokens.count ? tokens[position] : nil }

    private func check(_ kind: TokenKind) -> Bool {
        position < tokens.count && tokens[position].kind == kind
    }

    private mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        position += 1
        return true
    }

    private mutating func consume(_ kind: TokenKind) throws(ExpressionError) {
        guard match(kind) else { throw unexpectedHere() }
    }

    // MARK: - Errors

    /// "Unexpected symbol" at the next token, or "Unexpected end of expression" when there is none.
    private func unexpectedHere() -> ExpressionError {
        guard let token = peek else { return endOfExpression() }
        return unexpected(token)
    }

    private func unexpected(_ token: Token) -> ExpressionError {
        located("Unexpected symbol", token)
    }

    /// Names the last token, as GitHub does.
    private func endOfExpression() -> ExpressionError {
        located("Unexpected end of expression", tokens[max(0, position - 1)])
    }

    private func located(_ problem: String, _ token: Token) -> ExpressionError {
        let symbol = String(decoding: units[token.start..<token.end], as: UTF16.self)
        return ExpressionError.located(.parsing, problem, symbol: symbol, at: token.start, in: source)
    }

    static func depthError() -> ExpressionError {
        ExpressionError(.parsing, "Exceeded max expression depth \(maximumDepth)")
    }
}
