/// A node of a parsed expression tree. Nodes are immutable after parsing; subclasses implement
/// `evaluate`.
class Node: @unchecked Sendable {
    /// Levels in this subtree, counted as GitHub does (a leaf is 1; limit 50).
    let height: Int
    /// Whether the result can be a filtered array (the product of `.*` or `[*]`), which later
    /// indexes apply element-wise.
    let mayBeFiltered: Bool
    /// Whether the subtree calls a function whose result counts toward the memory limit.
    let tracksMemory: Bool

    init(height: Int, mayBeFiltered: Bool = false, tracksMemory: Bool = false) {
        self.height = height
        self.mayBeFiltered = mayBeFiltered
        self.tracksMemory = tracksMemory
    }

    func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        fatalError("Node subclasses implement evaluate")
    }

    /// Evaluates and reports whether the result is a filtered array. Only nodes with
    /// `mayBeFiltered` override this.
    func evaluateFiltered(_ state: inout EvaluationState) throws(ExpressionError) -> (value: Value, filtered: Bool) {
        (try evaluate(&state), false)
    }

    /// Calls `success()`, `failure()`, `always()` or `cancelled()` somewhere in this subtree.
    var usesStatusFunction: Bool { false }
}

/// A literal: `null`, `true`, `42`, `'text'`.
final class LiteralNode: Node, @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
        super.init(height: 1)
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        value
    }
}

/// A top-level context such as `github`, its name folded to lower case at parse time.
final class ContextNode: Node, @unchecked Sendable {
    let foldedName: String

    init(foldedName: String) {
        self.foldedName = foldedName
        super.init(height: 1)
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        state.contexts.value(foldedKey: foldedName) ?? .null
    }
}
