/// `hashFiles(patterns…)`, delegated to `EvaluationContext.hashFiles`.
enum HashFilesFunction {
    static func evaluate(_ arguments: [Node], _ state: inout EvaluationState) throws(ExpressionError) -> String {
        var patterns: [String] = []
        patterns.reserveCapacity(arguments.count)
        for argument in arguments {
            patterns.append(try argument.evaluate(&state).coercedString)
        }
        guard let hashFiles = state.hashFiles else {
            throw ExpressionError(.evaluation, "The function 'hashFiles' is not available in this context")
        }
        do {
            return try hashFiles(patterns)
        } catch let error as ExpressionError {
            throw error
        } catch {
            throw ExpressionError(.evaluation, "hashFiles('\(patterns.joined(separator: "', '"))') failed: \(error)")
        }
    }
}
