/// `join(array, separator = ',')`: coerced strings of the elements; a primitive joins to its own
/// string; an object joins to `''`. A non-primitive separator falls back to `,`.
enum JoinFunction {
    static func evaluate(_ node: CallNode, _ state: inout EvaluationState) throws(ExpressionError) -> String {
        let items = try node.arguments[0].evaluate(&state)
        switch items {
        case .array(let elements):
            guard let first = elements.first else { return "" }
            var result = first.coercedString
            guard elements.count > 1 else { return result }
            var separator = ","
            if node.arguments.count > 1 {
                let value = try node.arguments[1].evaluate(&state)
                if value.isPrimitive { separator = value.coercedString }
            }
            var units = result.utf16.count
            let separatorUnits = separator.utf16.count
            for element in elements.dropFirst() {
                let piece = element.coercedString
                units += separatorUnits + piece.utf16.count
                try state.check(26 + 2 * units, in: node)
                result += separator
                result += piece
            }
            return result
        case .object:
            return ""
        default:
            return items.coercedString
        }
    }
}
