/// A recognised workflow command that cannot be carried out, and how GitHub reports it.
public struct WorkflowCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the runner reports the problem.
    public enum Severity: Sendable, Equatable {
        /// A warning annotation; the step is unaffected (e.g. `::add-mask::` with an empty value).
        case warning
        /// An error annotation; the step is unaffected (e.g. `set-env` of `NODE_OPTIONS`).
        case error
        /// GitHub logs `Unable to process command '<line>' successfully.` and this message as
        /// errors, and the step fails once it finishes (e.g. `set-output` without `name`).
        case failure
    }

    public var severity: Severity
    public var message: String

    public init(_ severity: Severity, _ message: String) {
        self.severity = severity
        self.message = message
    }

    public var description: String { message }
}
