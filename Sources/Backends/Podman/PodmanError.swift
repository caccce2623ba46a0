/// A failure talking to Podman or preparing a job's containers, with a message meant for the job log.
public struct PodmanError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The HTTP status of the API answer, when the failure is one.
    public var status: Int?

    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// True for a 404 answer (no such container, pod, network…).
    public var isNotFound: Bool { status == 404 }
}
