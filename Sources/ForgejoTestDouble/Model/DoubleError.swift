/// An error of the test double's own API (not a wire error: those are Connect errors).
public struct DoubleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, Equatable {
        /// The workflow could not be read, or uses something the double cannot plan.
        case invalidWorkflow
        /// The workflow is valid but uses a feature the double does not implement.
        case unsupported
        /// A task, job or runner id is unknown.
        case notFound
        /// A wait ran out of time.
        case timeout
        /// The HTTP server could not be started or is in the wrong state.
        case server
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
