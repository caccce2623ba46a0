/// A malformed `GITHUB_ENV` / `GITHUB_OUTPUT` / `GITHUB_STATE` file.
///
/// GitHub reports it as `Unable to process file command 'env' successfully.` followed by this
/// message, and fails the step.
public struct FileCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line the problem was found on.
    public var line: Int
    /// What is wrong and how to fix it.
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "Line \(line): \(message)" }
}
