import AsyncHTTPClient
import Synchronization

/// A whole container run as one step's process (a Docker action): its output from the start
/// (followed logs, stdout and stderr), its exit code, and termination by signalling the
/// container (SIGTERM, then SIGKILL after the grace period). The container is removed once it
/// has stopped and its output has been read.
final class PodmanContainerProcess: RunningProcess, Sendable {
    let lines: AsyncStream<String>
    private let client: PodmanClient
    private let container: String
    private let exit = ExitCodeLatch()

    private init(client: PodmanClient, container: String, lines: AsyncStream<String>) {
        self.client = client
        self.container = container
        self.lines = lines
    }

    /// Starts the created container and begins reading its output. On failure the container is removed.
    static func start(client: PodmanClient, container: String) async throws -> PodmanContainerProcess {
        let body: HTTPClientResponse.Body
        do {
            try await client.startContainer(container)
            body = try await client.followLogs(container)
        } catch {
            try? await client.removeContainer(container)
            throw error
        }
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let process = PodmanContainerProcess(client: client, container: container, lines: stream)
        Task.detached { await process.pump(body, continuation) }
        return process
    }

    private func pump(_ body: HTTPClientResponse.Body, _ continuation: AsyncStream<String>.Continuation) async {
        var decoder = MultiplexedStreamDecoder()
        var accumulators = [MultiplexedStreamDecoder.Stream.stdout: LineAccumulator(), .stderr: LineAccumulator()]
        do {
            for try await chunk in body {
                for frame in decoder.feed(chunk.readableBytesView) {
                    let stream = frame.stream == .stderr ? MultiplexedStreamDecoder.Stream.stderr : .stdout
                    for line in accumulators[stream]?.append(frame.payload) ?? [] { continuation.yield(line) }
                }
            }
        } catch {
            continuation.yield("hearth: the output of the container was cut off: \(error)")
        }
        for key in [MultiplexedStreamDecoder.Stream.stdout, .stderr] {
            if let line = accumulators[key]?.finish() { continuation.yield(line) }
        }
        continuation.finish()
        let code: Int32
        do {
            code = try await client.waitForContainer(container)
        } catch {
            code = -1
        }
        try? await client.removeContainer(container)
        exit.record(code)
    }

    func waitForExit() async -> Int32 { await exit.wait() }

    private var hasExited: Bool { exit.code != nil }

    func terminate(grace: Duration) {
        guard !hasExited else { return }
        Task.detached { [self] in
            try? await client.killContainer(container, signal: "SIGTERM")
            try? await Task.sleep(for: grace)
            if !hasExited { try? await client.killContainer(container, signal: "SIGKILL") }
        }
    }
}
