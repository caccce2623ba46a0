/// Mutable per-evaluation state threaded through the node tree.
struct EvaluationState {
    /// GitHub's limit on memory held by intermediate results (1 MB).
    static let memoryLimit = 1_048_576

    let contexts: ObjectValue
    let status: StatusFunctions
    let hashFiles: (@Sendable ([String]) throws -> String)?
    /// Approximate bytes held by strings built during this evaluation that are still live,
    /// counted as .NET does (26 bytes + 2 per UTF-16 code unit).
    var memory = 0

    init(_ context: EvaluationContext) {
        contexts = context.contexts
        status = context.status
        hashFiles = context.hashFiles
    }

    /// The .NET size of a string.
    @inline(__always)
    static func bytes(of text: String) -> Int {
        26 + 2 * text.utf16.count
    }

    /// Called when a node whose subtree allocates finishes: a primitive result releases what its
    /// subtree built (mirroring how GitHub trims deeper levels).
    @inline(__always)
    mutating func settle(mark: Int, result: Value) {
        if result.isPrimitive { memory = mark }
    }

    /// Fails when `additional` more bytes would exceed the limit.
    func check(_ additional: Int, in node: CallNode) throws(ExpressionError) {
        if memory + additional > Self.memoryLimit {
            throw ExpressionError(
                .evaluation,
                "The maximum allowed memory size was exceeded while evaluating the following expression: \(node.sourceText)")
        }
    }
}
