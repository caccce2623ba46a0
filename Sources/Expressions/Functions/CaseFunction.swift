/// `case(predicate1, value1, …, default)`: the value after the first `true` predicate, else the
/// default. Predicates must be booleans.
enum CaseFunction {
    static func evaluateFiltered(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> (value: Value, filtered: Bool) {
        var index = 0
        while index + 1 < arguments.count {
            guard case .bool(let matched) = try arguments[index].evaluate(&state) else {
                throw ExpressionError(.evaluation, "case predicate must evaluate to a boolean value")
            }
            if matched { return try arguments[index + 1].evaluateFiltered(&state) }
            index += 2
        }
        return try arguments[arguments.count - 1].evaluateFiltered(&state)
    }
}
