/// One problem found while reading or validating a workflow.
///
/// Messages use GitHub's wording where GitHub has one (e.g. "Unexpected value 'runn'",
/// "Required property is missing: runs-on").
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, when it has a position (some file-level problems have none).
    public var location: SourceLocation?
    /// The file the problem belongs to (set even when `location` is nil).
    public var file: String?
    public var message: String

    public init(_ message: String, at location: SourceLocation?) {
        self.message = message
        self.location = location
        self.file = location?.file
    }

    public init(_ message: String, file: String?) {
        self.message = message
        self.location = nil
        self.file = file
    }

    /// `path:line:col: message`, or `path: message` for file-level problems.
    public var description: String {
        if let location { return "\(location): \(message)" }
        if let file { return "\(file): \(message)" }
        return message
    }
}

/// All the problems found in a workflow (the reader collects every error, not just the first).
public struct WorkflowErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [WorkflowError]

    public init(_ errors: [WorkflowError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
