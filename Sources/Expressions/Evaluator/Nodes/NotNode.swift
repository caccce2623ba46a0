/// `!operand`
final class NotNode: Node, @unchecked Sendable {
    let operand: Node

    init(_ operand: Node) {
        self.operand = operand
        super.init(height: operand.height + 1, tracksMemory: operand.tracksMemory)
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        let mark = state.memory
        let result = Value.bool(!(try operand.evaluate(&state)).isTruthy)
        if tracksMemory { state.memory = mark }
        return result
    }

    override var usesStatusFunction: Bool { operand.usesStatusFunction }
}
