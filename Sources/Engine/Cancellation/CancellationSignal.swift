import Synchronization

/// A cancellation request that, unlike Swift task cancellation, lets work continue afterwards:
/// when a job is cancelled its running step is stopped, and then its `always()`/`cancelled()`
/// steps still run. Observers registered with `onCancel` are called once, on the first `cancel`.
public final class CancellationSignal: Sendable {
    private struct State {
        var reason: String?
        var handlers: [Int: @Sendable (String) -> Void] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())
    public init() {}

    /// A signal that is cancelled whenever `parent` is, and can also be cancelled on its own.
    public convenience init(parent: CancellationSignal) {
        self.init()
        parent.onCancel { [weak self] reason in self?.cancel(reason: reason) }
    }

    public var isCancelled: Bool { state.withLock { $0.reason != nil } }
    public var reason: String? { state.withLock { $0.reason } }

    /// Requests cancellation; later calls are ignored.
    public func cancel(reason: String) {
        let handlers = state.withLock { state -> [@Sendable (String) -> Void] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler(reason) }
    }

    /// Calls `handler` on cancellation (at once when already cancelled). Returns a token for `remove`.
    @discardableResult
    public func onCancel(_ handler: @escaping @Sendable (String) -> Void) -> Int {
        let (token, alreadyCancelled) = state.withLock { state -> (Int, String?) in
            if let reason = state.reason { return (-1, reason) }
            state.nextToken += 1
            state.handlers[state.nextToken] = handler
            return (state.nextToken, nil)
        }
        if let alreadyCancelled { handler(alreadyCancelled) }
        return token
    }

    public func remove(_ token: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: token) }
    }
}
