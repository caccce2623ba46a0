import Foundation
import Logging
import Synchronization

/// One shared list+watch of a resource (a namespace or all, with a label selector) that keeps a
/// cache of the objects and tells any number of handlers about changes. The watch resumes from the
/// last resourceVersion seen (bookmarks included) when it closes or drops, and the informer lists
/// again only when the server answers 410 Gone, reporting objects that vanished meanwhile as
/// deleted. Exactly one watch stream is open at a time.
///
/// Handlers run on the informer's task, in order; they must not block. To start from a consistent
/// view, add the handler first, then read `objects()` after `waitUntilSynced()`.
public final class KubeInformer: Sendable {
    public typealias HandlerID = KubeInformerHandlerID
    public typealias Handler = @Sendable (KubeInformerEvent) -> Void

    public let resource: KubeResource
    public let namespace: String?
    public let labelSelector: String?
    let client: KubeClient
    let backoff: KubeRetryPolicy
    let watchTimeoutSeconds: ClosedRange<Int>
    let logger: Logger

    private struct State {
        var cache: [String: JSONValue] = [:]
        var resourceVersion: String?
        var synced = false
        var stopped = false
        var handlers: [Int: Handler] = [:]
        var handlerOrder: [Int] = []
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var abandonedWaiters: Set<Int> = []
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - namespace: nil watches every namespace (or a cluster-scoped resource).
    ///   - watchTimeoutSeconds: each watch asks the server to end it after a random time in this
    ///     range, so that long-lived streams are renewed (as client-go does).
    ///   - backoff: delays between failed attempts (its `maxAttempts` is not used: the informer
    ///     keeps trying until its task is cancelled).
    public init(client: KubeClient, resource: KubeResource, namespace: String?, labelSelector: String? = nil,
                watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                backoff: KubeRetryPolicy = KubeRetryPolicy(initialBackoff: .milliseconds(200), maxBackoff: .seconds(30)),
                logger: Logger = Logger(label: "hearth.kube.informer")) {
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.backoff = backoff
        self.logger = logger
    }

    // MARK: Cache

    /// The cached object with that name (in `namespace`, the informer's own by default).
    public func object(named name: String, namespace: String? = nil) -> JSONValue? {
        let key = Self.key(namespace: namespace ?? self.namespace ?? "", name: name)
        return state.withLock { $0.cache[key] }
    }

    /// Every cached object, ordered by namespace and name.
    public func objects() -> [JSONValue] {
        state.withLock { state in state.cache.keys.sorted().compactMap { state.cache[$0] } }
    }

    /// The resourceVersion the informer has seen up to (from the list, events and bookmarks).
    public var resourceVersion: String? { state.withLock { $0.resourceVersion } }

    /// Whether the first list has completed.
    public var isSynced: Bool { state.withLock { $0.synced } }

    /// Returns once the first list has completed, when the calling task is cancelled, or when
    /// `run()` has returned (check `isSynced` where it matters).
    public func waitUntilSynced() async {
        let id: Int? = state.withLock { state in
            if state.synced || state.stopped { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.synced || state.stopped || state.abandonedWaiters.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let continuation = state.waiters.removeValue(forKey: id) { return continuation }
                state.abandonedWaiters.insert(id)
                return nil
            }
            waiting?.resume()
        }
    }

    // MARK: Handlers

    /// Registers a handler for every later event.
    @discardableResult
    public func addHandler(_ handler: @escaping Handler) -> HandlerID {
        state.withLock { state in
            state.nextID += 1
            state.handlers[state.nextID] = handler
            state.handlerOrder.append(state.nextID)
            return HandlerID(value: state.nextID)
        }
    }

    public func removeHandler(_ id: HandlerID) {
        state.withLock { state in
            state.handlers[id.value] = nil
            state.handlerOrder.removeAll { $0 == id.value }
        }
    }

    private func deliver(_ events: [KubeInformerEvent]) {
        guard !events.isEmpty else { return }
        let handlers = state.withLock { state in state.handlerOrder.compactMap { state.handlers[$0] } }
        for event in events {
            for handler in handlers { handler(event) }
        }
    }

    // MARK: Running

    /// Lists, then watches, until the calling task is cancelled or the client is shut down.
    public func run() async {
        var needsList = true
        var failures = 0
        while !Task.isCancelled && !client.isShutDown {
            do {
                if needsList {
                    try await relist()
                    needsList = false
                }
                switch try await watchOnce() {
                case .gone:
                    logger.debug("watch of \(resource): resourceVersion expired, listing again")
                    needsList = true
                    failures = 0
                case .ended(let sawEvents):
                    // A stream that ends without delivering anything is not progress: back off so
                    // that a server closing every watch at once is not hammered.
                    if sawEvents {
                        failures = 0
                    } else {
                        failures += 1
                        try await Task.sleep(for: backoff.delay(afterAttempt: failures, retryAfter: nil))
                    }
                }
            } catch let error as KubeAPIError where error.isGone {
                needsList = true
            } catch {
                if Task.isCancelled || client.isShutDown { break }
                failures += 1
                let delay = backoff.delay(afterAttempt: failures, retryAfter: (error as? KubeAPIError)?.retryAfter)
                logger.warning("\(needsList ? "list" : "watch") of \(resource) failed (retrying in \(delay)): \(error)")
                try? await Task.sleep(for: delay)
            }
        }
        let waiting = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    private enum WatchOutcome {
        case gone
        case ended(sawEvents: Bool)
    }

    private func watchOnce() async throws -> WatchOutcome {
        let from = state.withLock { $0.resourceVersion }
        let stream = client.watch(resource, namespace: namespace, labelSelector: labelSelector, resourceVersion: from,
                                  allowBookmarks: true, timeoutSeconds: Int.random(in: watchTimeoutSeconds))
        var sawEvents = false
        for try await event in stream {
            sawEvents = true
            switch event.type {
            case .added, .modified, .deleted:
                let key = Self.key(event.object)
                let delivered: KubeInformerEvent = state.withLock { state in
                    if let version = event.object.objectResourceVersion { state.resourceVersion = version }
                    if event.type == .deleted {
                        state.cache[key] = nil
                        return .deleted(event.object)
                    }
                    let existed = state.cache[key] != nil
                    state.cache[key] = event.object
                    return existed ? .modified(event.object) : .added(event.object)
                }
                deliver([delivered])
            case .bookmark:
                if let version = event.object.objectResourceVersion {
                    state.withLock { $0.resourceVersion = version }
                }
            case .error:
                let error = event.error ?? KubeAPIError(statusCode: 500, reason: "InternalError", message: "watch error")
                if error.isGone { return .gone }
                throw error
            }
        }
        return .ended(sawEvents: sawEvents)
    }

    private func relist() async throws {
        let list = try await client.list(resource, namespace: namespace, labelSelector: labelSelector)
        var fresh: [String: JSONValue] = [:]
        for item in list.items { fresh[Self.key(item)] = item }
        let (events, waiters) = state.withLock { state -> ([KubeInformerEvent], [CheckedContinuation<Void, Never>]) in
            var events: [KubeInformerEvent] = []
            for key in state.cache.keys.sorted() where fresh[key] == nil {
                events.append(.deleted(state.cache[key]!))
            }
            for key in fresh.keys.sorted() {
                let object = fresh[key]!
                if let old = state.cache[key] {
                    if old.objectResourceVersion != object.objectResourceVersion || old.objectUID != object.objectUID {
                        events.append(.modified(object))
                    }
                } else {
                    events.append(.added(object))
                }
            }
            state.cache = fresh
            state.resourceVersion = list.resourceVersion
            state.synced = true
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            return (events, waiters)
        }
        deliver(events + [.synced])
        for waiter in waiters { waiter.resume() }
    }

    private static func key(_ object: JSONValue) -> String {
        key(namespace: object.objectNamespace ?? "", name: object.objectName ?? "")
    }

    private static func key(namespace: String, name: String) -> String {
        "\(namespace)/\(name)"
    }
}
