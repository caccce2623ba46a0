import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Serves `/metrics` (Prometheus text format), `/healthz` (the process answers) and `/readyz`
/// (registered with Forgejo and fetching; 503 while starting, after the credentials were
/// refused, or while shutting down).
public final class ObservabilityServer: Sendable {
    private let metrics: RunnerMetrics
    private let readiness: Readiness
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let bound = BoundPort()

    public init(metrics: RunnerMetrics, readiness: Readiness) {
        self.metrics = metrics
        self.readiness = readiness
    }

    /// Starts listening on `host:port` (port 0: any) and returns the bound port, or -1 when the
    /// address cannot be bound.
    public func start(host: String, port: Int, logger: Logger) async -> Int {
        let router = Router()
        router.get("/metrics") { [metrics] _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { [readiness] _, _ -> Response in
            let (ready, reason) = readiness.state
            return Response(status: ready ? .ok : .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
        }
        let boundPort = bound
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hearth"),
            onServerRunning: { channel in boundPort.resolve(channel.localAddress?.port ?? 0) }, logger: logger)
        let serverTask = Task {
            // Binding failed (or the server stopped before it ran): release whoever waits.
            defer { boundPort.resolve(-1) }
            try await app.runService(gracefulShutdownSignals: [])
        }
        task.withLock { $0 = serverTask }
        return await boundPort.wait()
    }

    public func stop() {
        task.withLock { $0?.cancel() }
    }
}

/// Whether the daemon is ready to take work, with a reason for `/readyz`.
public final class Readiness: Sendable {
    private let value = Mutex<(Bool, String)>((false, "starting"))

    public init() {}

    public var state: (ready: Bool, reason: String) { value.withLock { ($0.0, $0.1) } }

    public func set(ready: Bool, reason: String) {
        value.withLock { $0 = (ready, reason) }
    }
}

/// The port the server bound, once known; waiters are resumed with it (-1: binding failed).
private final class BoundPort: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    func resolve(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            guard state.port == nil else { return [] }
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
