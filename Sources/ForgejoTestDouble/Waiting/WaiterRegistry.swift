import Synchronization

/// The pending `wait…` calls. Each has a condition checked against a snapshot after every state
/// change; the first snapshot that satisfies it resumes the caller. Timeouts and cancellation
/// remove the entry and resume the caller with an error. Every entry is resumed exactly once.
final class WaiterRegistry: Sendable {
    struct Entry: Sendable {
        /// Returns the action that resumes the caller when the snapshot satisfies the condition.
        let check: @Sendable (DoubleSnapshot) -> (@Sendable () -> Void)?
        let fail: @Sendable (any Error) -> Void
    }

    private struct Storage {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// Ids expired before they were registered.
        var expired: [UInt64: any Error] = [:]
    }

    private let storage = Mutex(Storage())

    func makeID() -> UInt64 {
        storage.withLock { storage in
            storage.nextID += 1
            return storage.nextID
        }
    }

    var isEmpty: Bool { storage.withLock { $0.entries.isEmpty } }

    /// Registers an entry (or fails it at once when it already expired) and checks it against
    /// `snapshot`.
    func register(_ id: UInt64, _ entry: Entry, snapshot: DoubleSnapshot) {
        let early: (any Error)? = storage.withLock { storage in
            if let error = storage.expired.removeValue(forKey: id) { return error }
            storage.entries[id] = entry
            return nil
        }
        if let early {
            entry.fail(early)
            return
        }
        check(ids: [id], snapshot: snapshot)
    }

    /// Checks every entry against `snapshot`.
    func notify(_ snapshot: DoubleSnapshot) {
        let ids = storage.withLock { Array($0.entries.keys) }
        check(ids: ids, snapshot: snapshot)
    }

    private func check(ids: [UInt64], snapshot: DoubleSnapshot) {
        for id in ids {
            guard let entry = storage.withLock({ $0.entries[id] }), let resume = entry.check(snapshot) else { continue }
            let removed = storage.withLock { $0.entries.removeValue(forKey: id) } != nil
            if removed { resume() }
        }
    }

    /// Fails the entry with `error` if it is still pending.
    func expire(_ id: UInt64, with error: any Error) {
        let entry: Entry? = storage.withLock { storage in
            if let entry = storage.entries.removeValue(forKey: id) { return entry }
            storage.expired[id] = error
            return nil
        }
        entry?.fail(error)
    }

    /// Forgets an id that finished normally (so a late expiry does not linger).
    func finish(_ id: UInt64) {
        storage.withLock { _ = $0.expired.removeValue(forKey: id) }
    }
}
