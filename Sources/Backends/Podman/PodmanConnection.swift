/// A ready-to-use connection to Podman: a client for a configured socket, or for a
/// `podman system service` started for the lifetime of the connection when none is configured.
public final class PodmanConnection: Sendable {
    public let client: PodmanClient
    /// The service Hearth started, if it did.
    public let service: PodmanService?

    private init(client: PodmanClient, service: PodmanService?) {
        self.client = client
        self.service = service
    }

    /// Connects to `host` (`unix:///path` or a socket path), or starts a private service when it is nil.
    /// Fails with a clear message when Podman cannot be reached.
    public static func open(host: String? = nil, podman: String = "podman") async throws -> PodmanConnection {
        if let host {
            let socket = try PodmanService.socketPath(fromHost: host)
            let client = PodmanClient(socketPath: socket)
            do {
                try await client.ping()
            } catch {
                await client.shutdown()
                throw PodmanError("Podman does not answer on \(host): \(error)")
            }
            return PodmanConnection(client: client, service: nil)
        }
        let service = try await PodmanService.start(podman: podman)
        return PodmanConnection(client: PodmanClient(socketPath: service.socketPath), service: service)
    }

    /// Closes the client and stops the service Hearth started, if any.
    public func close() async {
        await client.shutdown()
        await service?.stop()
    }
}
