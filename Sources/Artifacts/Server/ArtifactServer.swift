import Cache
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The artifact server of `hearth exec`: what `actions/upload-artifact` and
/// `actions/download-artifact` talk to when no Forgejo is involved, storing artifacts under a
/// local directory as `<directory>/<run id>/<artifact name>/…`.
///
/// It speaks both toolkit protocols: v3 (`@actions/artifact` 1.x, the `_apis/pipelines` file
/// container service) and v4 (`@actions/artifact` 2.x, the Twirp `ArtifactService` plus signed
/// blob URLs). Give each job the variables of ``environment(runID:)``.
///
/// ```swift
/// let server = ArtifactServer(directory: "/tmp/artifacts", advertisedHost: "localhost")
/// _ = try await server.start()
/// job.environment.merge(server.environment(runID: runID)) { $1 }
/// ```
public final class ArtifactServer: Sendable {
    /// Where artifacts are stored.
    public let directory: String
    /// The host jobs use to reach the server; nil: the bind host when specific, else `127.0.0.1`.
    public let advertisedHost: String?
    let tokens: RuntimeTokenSigner
    let urlSigner: BlobURLSigner
    private let logger: Logger
    private let shutdownGracePeriod: Duration
    private let state = Mutex<Phase>(.idle)

    private enum Phase {
        case idle
        case starting
        case running(Running)
        case stopped
    }

    private struct Running {
        let listener: HTTPListener
        let store: ArtifactStore
        let threadPool: NIOThreadPool
        let url: String
    }

    /// Errors from ``start(host:port:)``.
    public enum StartError: Error, CustomStringConvertible {
        /// `start` was called twice, or after `stop`.
        case alreadyStarted
        /// The artifact directory cannot be used.
        case storage(String)
        /// No listening socket could be opened.
        case bind(String)

        public var description: String {
            switch self {
            case .alreadyStarted: "the artifact server was already started"
            case .storage(let message): "artifact storage: \(message)"
            case .bind(let message): "artifact server: \(message)"
            }
        }
    }

    /// A server storing under `directory` (created when missing); nothing happens until
    /// ``start(host:port:)``. `advertisedHost` is the host or IP address jobs connect to (IPv6
    /// literals with or without brackets).
    public convenience init(directory: String, advertisedHost: String? = nil, logger: Logger = Logger(label: "hearth.artifacts")) {
        self.init(directory: directory, advertisedHost: advertisedHost, logger: logger,
                  secret: (0..<32).map { _ in UInt8.random(in: 0...255) }, shutdownGracePeriod: .seconds(10))
    }

    init(directory: String, advertisedHost: String?, logger: Logger, secret: [UInt8], shutdownGracePeriod: Duration) {
        self.directory = directory
        self.advertisedHost = advertisedHost
        self.logger = logger
        self.shutdownGracePeriod = shutdownGracePeriod
        tokens = RuntimeTokenSigner(key: secret)
        urlSigner = BlobURLSigner(key: secret)
    }

    /// Prepares the directory and listens on `host:port`; returns the bound port. The default `::`
    /// accepts IPv6 and IPv4 (dual stack), falling back to `0.0.0.0` on a host without IPv6.
    /// Port 0 picks a free port.
    @discardableResult
    public func start(host: String = "::", port: Int = 0) async throws -> Int {
        try state.withLock { phase in
            guard case .idle = phase else { throw StartError.alreadyStarted }
            phase = .starting
        }
        let store: ArtifactStore
        do {
            store = try ArtifactStore(layout: ArtifactLayout(root: directory), logger: logger)
        } catch {
            abandonStart()
            throw StartError.storage("\(directory): \(error)")
        }
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let address = ArtifactAddress()
        let responder = ArtifactResponder(store: store, tokens: tokens, urlSigner: urlSigner, address: address,
                                          threadPool: threadPool, logger: logger)

        let listening: HTTPListener
        do {
            listening = try await HTTPListener.start(
                responder: responder, host: host, port: port, idleTimeout: .seconds(60), serverName: "hearth-artifacts",
                label: "artifacts", logger: logger)
        } catch {
            try? await threadPool.shutdownGracefully()
            abandonStart()
            throw StartError.bind(error.description)
        }
        let base = ArtifactAddress.baseURL(advertisedHost: advertisedHost, bindHost: listening.host, port: listening.port)
        address.set(base)

        let running = Running(listener: listening, store: store, threadPool: threadPool, url: base)
        let stillWanted = state.withLock { phase -> Bool in
            guard case .starting = phase else { return false }
            phase = .running(running)
            return true
        }
        guard stillWanted else {
            await shutDown(running)
            throw StartError.bind("the server was stopped while starting")
        }
        logger.info("artifacts: listening on \(listening.host) port \(listening.port), storing in \(directory)")
        return listening.port
    }

    /// Stops listening, lets transfers in progress finish (for up to 10 s) and discards unfinished
    /// uploads. The server cannot be started again.
    public func stop() async {
        let running: Running? = state.withLock { phase in
            defer { phase = .stopped }
            if case .running(let running) = phase { return running }
            return nil
        }
        if let running { await shutDown(running) }
    }

    private func shutDown(_ running: Running) async {
        await running.listener.stop(grace: shutdownGracePeriod)
        await running.store.close()
        try? await running.threadPool.shutdownGracefully()
    }

    private func abandonStart() {
        state.withLock { phase in
            if case .starting = phase { phase = .idle }
        }
    }

    /// The base URL jobs reach the server at, `http://<host>:<port>/` (IPv6 literals bracketed);
    /// nil unless running.
    public var url: String? {
        state.withLock { phase in
            if case .running(let running) = phase { return running.url }
            return nil
        }
    }

    /// The variables a job of run `runID` (its `GITHUB_RUN_ID`) needs for both toolkit versions:
    /// `ACTIONS_RUNTIME_URL` and `ACTIONS_RESULTS_URL` (this server) and `ACTIONS_RUNTIME_TOKEN`,
    /// a JWT valid for 24 h that grants access to that run's artifacts only. Empty unless running.
    public func environment(runID: String, jobID: String = "1") -> [String: String] {
        guard let url else { return [:] }
        let token = tokens.issue(runID: runID, jobID: jobID, lifetime: .seconds(24 * 3600))
        return ["ACTIONS_RUNTIME_URL": url, "ACTIONS_RESULTS_URL": url, "ACTIONS_RUNTIME_TOKEN": token]
    }

    /// The store while running (tests and diagnostics).
    var store: ArtifactStore? {
        state.withLock { phase in
            if case .running(let running) = phase { return running.store }
            return nil
        }
    }
}
