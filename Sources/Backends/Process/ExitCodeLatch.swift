import Synchronization

/// A process's exit code, set once when it is known; any number of tasks wait for it.
public final class ExitCodeLatch: Sendable {
    private struct State {
        var code: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The code, once recorded.
    public var code: Int32? { state.withLock { $0.code } }

    /// Records the code (the first one wins) and wakes every waiter.
    public func record(_ code: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            guard state.code == nil else { return [] }
            state.code = code
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: code) }
    }

    /// Returns the code, waiting until it is recorded.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Int32? in
                if let code = state.code { return code }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
