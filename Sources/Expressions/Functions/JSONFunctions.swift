/// `toJSON(value)` and `fromJSON(text)`.
enum JSONFunctions {
    static func toJSON(_ node: CallNode, _ state: inout EvaluationState) throws(ExpressionError) -> String {
        try node.arguments[0].evaluate(&state).toJSON()
    }

    static func fromJSON(_ argument: Node, _ state: inout EvaluationState) throws(ExpressionError) -> Value {
        let text = try argument.evaluate(&state).coercedString
        do {
            return try Value(jsonText: text)
        } catch {
            throw ExpressionError(.evaluation, "Error parsing fromJson: \(error.message)")
        }
    }
}
