import Cache
import Foundation
import Hummingbird
import Kube
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Kubernetes API server double for the subset Hearth uses: discovery, namespaces, pods,
/// secrets, configmaps, events and leases with resourceVersions, watches with bookmarks and
/// 410 Expired, label selectors, 409/422 statuses, ownerReference garbage collection, a minimal
/// kubelet, and injected faults. Plain HTTP on a loopback address; kubectl and the official
/// Python client work against it. See docs/kubernetes-double.md for what it does not cover.
public final class KubeDouble: Sendable {
    /// `http://127.0.0.1:PORT` or `http://[::1]:PORT`.
    public let url: String
    public let port: Int
    public let options: KubeDoubleOptions
    let store: ObjectStore
    let monitor: RequestMonitor
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let stopped = Mutex(false)

    private init(url: String, port: Int, options: KubeDoubleOptions, store: ObjectStore, monitor: RequestMonitor,
                 group: ServiceGroup, task: Task<Void, any Error>) {
        self.url = url
        self.port = port
        self.options = options
        self.store = store
        self.monitor = monitor
        self.group = group
        self.task = task
    }

    /// Starts serving on `host` (an IPv4 or IPv6 literal, brackets optional) and `port` (0 picks
    /// a free one); returns once connections are accepted.
    public static func start(host: String = "127.0.0.1", port: Int = 0, options: KubeDoubleOptions = KubeDoubleOptions()) async throws -> KubeDouble {
        let bindHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let urlHost = bindHost.contains(":") ? "[\(bindHost)]" : bindHost
        let store = ObjectStore(options: options)
        await store.seed()
        let monitor = RequestMonitor(requiredToken: options.bearerToken)
        let boundPort = Mutex(port)
        let responder = KubeDoubleResponder(store: store, monitor: monitor, options: options,
                                            address: { "\(urlHost):\(boundPort.withLock { $0 })" })
        let signal = BindSignal()
        var logger = Logger(label: "hearth.kube-double")
        logger.logLevel = .critical
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(bindHost, port: port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in signal.succeed(channel.localAddress?.port ?? port) },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                signal.fail(KubeDoubleError("the server stopped before it started"))
            } catch {
                signal.fail(error)
                throw error
            }
        }
        let bound: Int
        do {
            bound = try await signal.wait()
        } catch {
            task.cancel()
            throw KubeDoubleError("cannot listen on \(urlHost):\(port): \(error)")
        }
        boundPort.withLock { $0 = bound }
        return KubeDouble(url: "http://\(urlHost):\(bound)", port: bound, options: options, store: store, monitor: monitor,
                          group: group, task: task)
    }

    /// Ends every watch stream, stops accepting and waits for the server to finish.
    public func stop() async {
        guard !stopped.withLock({ let was = $0; $0 = true; return was }) else { return }
        await store.closeAllWatches(stopping: true)
        await store.cancelTimers()
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// A client configuration for this double (no TLS, no token unless one is required).
    public var configuration: KubeConfiguration {
        KubeConfiguration(server: url, token: options.bearerToken.map { .value($0) })
    }
}

/// Why the double could not start.
public struct KubeDoubleError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
