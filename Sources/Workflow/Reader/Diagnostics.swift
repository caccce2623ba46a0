/// Collects the errors of one read, in the order they are found.
final class Diagnostics {
    let file: String
    private(set) var errors: [WorkflowError] = []

    init(file: String) {
        self.file = file
    }

    var isEmpty: Bool { errors.isEmpty }
    var count: Int { errors.count }

    func error(_ message: String, line: Int, column: Int) {
        errors.append(WorkflowError(message, at: SourceLocation(file: file, line: line, column: column)))
    }

    func error(_ message: String, at token: Token) {
        error(message, line: token.line, column: token.column)
    }

    /// A problem with no position (GitHub reports these against the file only).
    func fileError(_ message: String) {
        errors.append(WorkflowError(message, file: file))
    }

    func clear() {
        errors.removeAll()
    }

    func append(_ error: WorkflowError) {
        errors.append(error)
    }

    func location(of token: Token) -> SourceLocation {
        SourceLocation(file: file, line: token.line, column: token.column)
    }
}
