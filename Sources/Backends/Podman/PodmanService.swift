import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `podman system service` that Hearth started itself, serving the API on a private socket for
/// as long as Hearth needs it (used when no socket is configured).
public final class PodmanService: Sendable {
    /// The socket the service listens on.
    public let socketPath: String
    private let process: ChildProcess
    private let directory: String?
    /// The service's last output lines, for error messages.
    private let output: OutputTail

    private init(socketPath: String, process: ChildProcess, directory: String?, output: OutputTail) {
        self.socketPath = socketPath
        self.process = process
        self.directory = directory
        self.output = output
    }

    /// Starts `podman system service --time=0 unix://SOCKET` and waits until it answers.
    ///
    /// - Parameters:
    ///   - podman: the podman program (looked up in `PATH`).
    ///   - socketPath: where to listen; a fresh socket in a private temporary directory when nil.
    ///   - readinessTimeout: how long the service may take to answer its first ping.
    public static func start(
        podman: String = "podman", socketPath: String? = nil, readinessTimeout: Duration = .seconds(30)
    ) async throws -> PodmanService {
        let environment = ProcessInfo.processInfo.environment
        guard ExecutableLookup.resolve(podman, path: environment["PATH"]) != nil else {
            throw PodmanError("'\(podman)' was not found in PATH: install Podman or configure the socket of a running Podman service")
        }
        var directory: String?
        let socket: String
        if let socketPath {
            socket = socketPath
        } else {
            let base = environment["TMPDIR"] ?? "/tmp"
            let created = "\(base)/hearth-podman-api-\(UUID().uuidString.lowercased().prefix(12))"
            try FileManager.default.createDirectory(atPath: created, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            directory = created
            socket = "\(created)/podman.sock"
        }
        let process: ChildProcess
        do {
            process = try ChildProcess.launch(
                ProcessSpec(
                    executable: podman, arguments: ["system", "service", "--time=0", "unix://\(socket)"], environment: environment,
                    workingDirectory: "/"))
        } catch {
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            throw PodmanError("cannot start '\(podman) system service': \(error)")
        }
        let output = OutputTail()
        Task.detached { for await line in process.lines { output.add(line) } }
        let service = PodmanService(socketPath: socket, process: process, directory: directory, output: output)

        // Ready once the socket answers a ping; fail early if the service exits.
        let client = PodmanClient(socketPath: socket, requestTimeout: .seconds(5))
        let failure = await waitUntilReady(client: client, process: process, timeout: readinessTimeout)
        await client.shutdown()
        guard let failure else { return service }
        await service.stop()
        throw PodmanError("'\(podman) system service' \(failure)\(output.text.isEmpty ? "" : ": \(output.text)")")
    }

    /// Nil once the service answers; otherwise why it never did.
    private static func waitUntilReady(client: PodmanClient, process: ChildProcess, timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(20)
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            if process.hasExited { return "exited with code \(await process.waitForExit())" }
            if FileManager.default.fileExists(atPath: client.socketPath) {
                do {
                    try await client.ping()
                    return nil
                } catch {
                    lastError = error
                }
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(250))
        }
        return "did not answer on \(client.socketPath) within \(timeout)\(lastError.map { " (\($0))" } ?? "")"
    }

    /// Stops the service (SIGTERM, SIGKILL after `grace`) and removes its private socket directory.
    public func stop(grace: Duration = .seconds(5)) async {
        process.terminate(grace: grace)
        _ = await process.waitForExit()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The socket path in a `unix:///path` address (as in `container.docker_host`), or a bare path.
    public static func socketPath(fromHost host: String) throws -> String {
        if host.hasPrefix("unix://") {
            let path = String(host.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw PodmanError("'\(host)' is not a unix socket address: use unix:///path/to/podman.sock") }
            return path
        }
        if host.hasPrefix("/") { return host }
        throw PodmanError("'\(host)' is not a unix socket address: use unix:///path/to/podman.sock (only local sockets are supported)")
    }
}

/// The last lines a process wrote.
private final class OutputTail: Sendable {
    private let lines = Mutex<[String]>([])

    func add(_ line: String) {
        lines.withLock { lines in
            lines.append(line)
            if lines.count > 20 { lines.removeFirst(lines.count - 20) }
        }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
