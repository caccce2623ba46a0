/// `contains`, `startsWith` and `endsWith`: case-insensitive on coerced strings; `contains` also
/// searches arrays using `==` semantics. As in GitHub's runner, the second argument is only
/// evaluated when the first can match.
enum StringFunctions {
    static func contains(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> Bool {
        let search = try arguments[0].evaluate(&state)
        switch search {
        case .array(let elements):
            guard !elements.isEmpty else { return false }
            let item = try arguments[1].evaluate(&state)
            return elements.contains { Comparison.equal(item, $0) }
        case .object:
            return false
        default:
            let item = try arguments[1].evaluate(&state)
            guard item.isPrimitive else { return false }
            return OrdinalIgnoreCase.contains(search.coercedString, item.coercedString)
        }
    }

    static func startsWith(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> Bool {
        guard let (text, part) = try primitivePair(arguments, &state) else { return false }
        return OrdinalIgnoreCase.hasPrefix(text, part)
    }

    static func endsWith(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> Bool {
        guard let (text, part) = try primitivePair(arguments, &state) else { return false }
        return OrdinalIgnoreCase.hasSuffix(text, part)
    }

    private static func primitivePair(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> (String, String)? {
        let first = try arguments[0].evaluate(&state)
        guard first.isPrimitive else { return nil }
        let second = try arguments[1].evaluate(&state)
        guard second.isPrimitive else { return nil }
        return (first.coercedString, second.coercedString)
    }
}
