/// Why a Kubernetes configuration could not be loaded: names the file and what is missing or wrong.
public struct KubeConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
