/// `a && b && …` or `a || b || …`: evaluates left to right, stops at the first falsy (`&&`) or
/// truthy (`||`) operand and returns that operand's value (else the last one).
final class LogicalNode: Node, @unchecked Sendable {
    let isAnd: Bool
    let operands: [Node]

    init(isAnd: Bool, operands: [Node]) {
        self.isAnd = isAnd
        self.operands = operands
        super.init(
            height: (operands.map(\.height).max() ?? 0) + 1,
            mayBeFiltered: operands.contains { $0.mayBeFiltered },
            tracksMemory: operands.contains { $0.tracksMemory })
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        let mark = state.memory
        var result = Value.null
        for operand in operands {
            result = try operand.evaluate(&state)
            if result.isTruthy != isAnd { break }
        }
        if tracksMemory { state.settle(mark: mark, result: result) }
        return result
    }

    override func evaluateFiltered(_ state: inout EvaluationState) throws(ExpressionError) -> (value: Value, filtered: Bool) {
        var result: (value: Value, filtered: Bool) = (.null, false)
        for operand in operands {
            result = try operand.evaluateFiltered(&state)
            if result.value.isTruthy != isAnd { break }
        }
        return result
    }

    override var usesStatusFunction: Bool { operands.contains { $0.usesStatusFunction } }
}
