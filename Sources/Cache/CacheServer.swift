import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The runner's built-in cache for `actions/cache`: an HTTP server speaking the toolkit's
/// `_apis/artifactcache` protocol, storing entries on local disk.
///
/// Embed it (daemon, `hearth exec`) or run it standalone. For each job, ``issueToken(repository:ref:)``
/// and put ``url(forToken:)`` into the job's `ACTIONS_CACHE_URL`; the token in that URL's path
/// scopes the job to its repository. Every response closes its connection.
///
/// ```swift
/// let server = CacheServer(configuration: .init(directory: dir, advertisedHost: "10.0.0.5"))
/// let port = try await server.start()
/// let url = server.url(forToken: server.issueToken(repository: "owner/repo", ref: nil))
/// ```
public final class CacheServer: Sendable {
    /// The settings the server was created with.
    public let configuration: CacheServerConfiguration
    private let signer: CacheTokenSigner
    private let address: CacheAddress
    private let logger: Logger
    private let state = Mutex<Phase>(.idle)

    private enum Phase {
        case idle
        case starting
        case running(Running)
        case stopped
    }

    private struct Running {
        let listener: HTTPListener
        let maintenance: Task<Void, Never>
        let store: CacheStore
        let threadPool: NIOThreadPool
    }

    /// Errors from ``start(host:port:)``.
    public enum StartError: Error, CustomStringConvertible {
        /// `start` was called twice, or after `stop`.
        case alreadyStarted
        /// The storage directory cannot be used.
        case storage(String)
        /// No listening socket could be opened.
        case bind(String)

        public var description: String {
            switch self {
            case .alreadyStarted: "the cache server was already started"
            case .storage(let message): "cache storage: \(message)"
            case .bind(let message): "cache server: \(message)"
            }
        }
    }

    /// A server with `configuration`; nothing happens until ``start(host:port:)``.
    public init(configuration: CacheServerConfiguration, logger: Logger = Logger(label: "hearth.cache")) {
        self.configuration = configuration
        var secret = configuration.secret ?? ""
        if secret.isEmpty {
            secret = (0..<32).map { _ in String(UInt8.random(in: 0...255), radix: 16).leftPadded(to: 2) }.joined()
        }
        signer = CacheTokenSigner(secret: secret)
        address = CacheAddress(configuration: configuration)
        self.logger = logger
    }

    /// Opens the storage (recovering from an earlier crash) and listens on `host:port`; returns
    /// the bound port. The default `::` accepts IPv6 and IPv4 (dual stack); on a host without
    /// IPv6 it falls back to `0.0.0.0`. Port 0 picks a free port.
    @discardableResult
    public func start(host: String = "::", port: Int = 0) async throws -> Int {
        try state.withLock { phase in
            guard case .idle = phase else { throw StartError.alreadyStarted }
            phase = .starting
        }
        let store: CacheStore
        do {
            store = try await CacheStore(configuration: configuration, logger: logger)
        } catch {
            abandonStart()
            throw StartError.storage("\(configuration.directory): \(error)")
        }
        let threadPool = NIOThreadPool(numberOfThreads: 4)
        threadPool.start()
        let responder = CacheResponder(store: store, signer: signer, addresses: address, threadPool: threadPool, logger: logger)

        let listening: HTTPListener
        do {
            listening = try await HTTPListener.start(
                responder: responder, host: host, port: port, idleTimeout: configuration.idleTimeout, serverName: "hearth-cache",
                label: "cache", logger: logger)
        } catch {
            await store.close()
            try? await threadPool.shutdownGracefully()
            abandonStart()
            throw StartError.bind(error.description)
        }

        address.setBound(host: listening.host, port: listening.port)
        let maintenance = Task { [configuration] in
            let interval = min(configuration.reservationTimeout / 2, .seconds(60))
            while !Task.isCancelled {
                try? await Task.sleep(for: max(interval, .milliseconds(100)))
                await store.sweep()
            }
        }
        let running = Running(listener: listening, maintenance: maintenance, store: store, threadPool: threadPool)
        let stillWanted = state.withLock { phase -> Bool in
            guard case .starting = phase else { return false }
            phase = .running(running)
            return true
        }
        guard stillWanted else {
            // stop() was called while starting.
            await shutDown(running)
            throw StartError.bind("the server was stopped while starting")
        }
        logger.info("cache: listening on \(listening.host) port \(listening.port), storing in \(configuration.directory)")
        return listening.port
    }

    /// Stops listening, lets transfers in progress finish (for up to
    /// ``CacheServerConfiguration/shutdownGracePeriod``), writes the index and releases the
    /// directory. The server cannot be started again.
    public func stop() async {
        let running: Running? = state.withLock { phase in
            defer { phase = .stopped }
            if case .running(let running) = phase { return running }
            return nil
        }
        if let running { await shutDown(running) }
    }

    private func shutDown(_ running: Running) async {
        running.maintenance.cancel()
        // Transfers in progress get the grace period, then are cut off.
        await running.listener.stop(grace: configuration.shutdownGracePeriod)
        await running.maintenance.value
        await running.store.close()
        try? await running.threadPool.shutdownGracefully()
    }

    /// Back to idle after a failed start, unless stop() came in between.
    private func abandonStart() {
        state.withLock { phase in
            if case .starting = phase { phase = .idle }
        }
    }

    /// The bound port while running.
    public var port: Int? { address.boundPort }

    /// The value for a job's `ACTIONS_CACHE_URL`: `http://<advertised host>:<port>/<token>/`
    /// (IPv6 literals bracketed), or the configured external URL followed by `<token>/`. The
    /// toolkit appends `_apis/artifactcache/…`. Call after ``start(host:port:)`` unless an
    /// advertised port or external URL is configured.
    public func url(forToken token: String) -> String {
        address.base(forToken: token)
    }

    /// A token for one job of `repository` (`owner/name`), valid for the configured lifetime.
    /// Entries it saves belong to that repository; with a `ref` (pass one for untrusted events such
    /// as pull requests) they are visible only to tokens with the same ref, while it can still
    /// restore the repository's shared (ref-less) entries.
    public func issueToken(repository: String, ref: String?) -> String {
        signer.issue(repository: repository, ref: ref, lifetime: configuration.tokenLifetime)
    }

    /// The committed entries and uploads in progress: for tests and diagnostics.
    var store: CacheStore? {
        state.withLock { phase in
            if case .running(let running) = phase { return running.store }
            return nil
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
