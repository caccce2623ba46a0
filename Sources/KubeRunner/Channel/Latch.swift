import Synchronization

/// A one-way flag that tasks can wait for: once opened it stays open and every waiter, present
/// or future, goes on.
final class Latch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [ResumeOnce<Bool>])>((false, []))

    var isOpen: Bool { state.withLock { $0.open } }

    func open() {
        let waiters = state.withLock { state -> [ResumeOnce<Bool>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(true) }
    }

    /// Returns once open.
    func wait() async {
        _ = await wait(timeout: nil)
    }

    /// True once open; false when `timeout` passes first.
    func wait(timeout: Duration?) async -> Bool {
        await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let now = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(once)
                return false
            }
            if now {
                once.resume(true)
                return
            }
            if let timeout {
                Task {
                    try? await Task.sleep(for: timeout)
                    once.resume(false)
                }
            }
        }
    }
}
