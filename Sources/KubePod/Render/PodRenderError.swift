/// Why a job cannot run as a Kubernetes pod, in words the workflow's author can act on, e.g.
/// `service 'db': the option '--privileged' cannot be used on Kubernetes: …`.
public struct PodRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
