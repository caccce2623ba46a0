/// `==`, `!=`, `<`, `<=`, `>`, `>=` with GitHub's coercion rules (see `Comparison`).
final class ComparisonNode: Node, @unchecked Sendable {
    enum Operator: Sendable { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }

    let op: Operator
    let left: Node
    let right: Node

    init(_ op: Operator, _ left: Node, _ right: Node) {
        self.op = op
        self.left = left
        self.right = right
        super.init(height: max(left.height, right.height) + 1, tracksMemory: left.tracksMemory || right.tracksMemory)
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        let mark = state.memory
        let lhs = try left.evaluate(&state)
        let rhs = try right.evaluate(&state)
        let result: Bool
        switch op {
        case .equal: result = Comparison.equal(lhs, rhs)
        case .notEqual: result = !Comparison.equal(lhs, rhs)
        case .less: result = Comparison.less(lhs, rhs)
        case .lessOrEqual: result = Comparison.equal(lhs, rhs) || Comparison.less(lhs, rhs)
        case .greater: result = Comparison.greater(lhs, rhs)
        case .greaterOrEqual: result = Comparison.equal(lhs, rhs) || Comparison.greater(lhs, rhs)
        }
        if tracksMemory { state.memory = mark }
        return .bool(result)
    }

    override var usesStatusFunction: Bool { left.usesStatusFunction || right.usesStatusFunction }
}
