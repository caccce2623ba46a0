/// A function call such as `contains(github.ref, 'refs/heads/')`.
final class CallNode: Node, @unchecked Sendable {
    let function: BuiltinFunction
    let arguments: [Node]
    /// The call as written, for error messages.
    let sourceText: String

    init(_ function: BuiltinFunction, arguments: [Node], sourceText: String) {
        self.function = function
        self.arguments = arguments
        self.sourceText = sourceText
        let caseMayBeFiltered = function == .caseOf && arguments.contains { $0.mayBeFiltered }
        super.init(
            height: (arguments.map(\.height).max() ?? 0) + 1,
            mayBeFiltered: caseMayBeFiltered,
            tracksMemory: function.allocates || arguments.contains { $0.tracksMemory })
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        guard tracksMemory else { return try call(&state) }
        let mark = state.memory
        let result = try call(&state)
        state.settle(mark: mark, result: result)
        if function.allocates, case .string(let text) = result {
            let size = EvaluationState.bytes(of: text)
            try state.check(size, in: self)
            state.memory += size
        }
        return result
    }

    override func evaluateFiltered(_ state: inout EvaluationState) throws(ExpressionError) -> (value: Value, filtered: Bool) {
        guard function == .caseOf else { return (try evaluate(&state), false) }
        return try CaseFunction.evaluateFiltered(arguments, &state)
    }

    override var usesStatusFunction: Bool {
        function.isStatusFunction || arguments.contains { $0.usesStatusFunction }
    }

    private func call(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        switch function {
        case .contains: return .bool(try StringFunctions.contains(arguments, &state))
        case .startsWith: return .bool(try StringFunctions.startsWith(arguments, &state))
        case .endsWith: return .bool(try StringFunctions.endsWith(arguments, &state))
        case .format: return .string(try FormatFunction.evaluate(self, &state))
        case .join: return .string(try JoinFunction.evaluate(self, &state))
        case .toJSON: return .string(try JSONFunctions.toJSON(self, &state))
        case .fromJSON: return try JSONFunctions.fromJSON(arguments[0], &state)
        case .caseOf: return try CaseFunction.evaluateFiltered(arguments, &state).value
        case .hashFiles: return .string(try HashFilesFunction.evaluate(arguments, &state))
        case .success: return .bool(state.status.success)
        case .always: return .bool(true)
        case .failure: return .bool(state.status.failure)
        case .cancelled: return .bool(state.status.cancelled)
        }
    }
}
