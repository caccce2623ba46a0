import Engine
import Foundation
import Synchronization

/// Per-label concurrency (`concurrency:` of a label's pod template): a job of a full label waits
/// for a slot before its pod is created. Waiting can be abandoned (the controller stops); a slot
/// granted after that is handed back at once.
final class LabelSlots: Sendable {
    private let semaphores = Mutex<[String: AsyncSemaphore]>([:])

    /// Waits for a slot of `label` (no limit: at once). Returns the release action, or nil when
    /// `abandon` fired first.
    func acquire(_ label: String, limit: Int?, abandon: CancellationSignal) async -> (@Sendable () async -> Void)? {
        guard let limit, limit > 0 else { return {} }
        let semaphore = semaphores.withLock { table in
            if let existing = table[label] { return existing }
            let made = AsyncSemaphore(permits: limit)
            table[label] = made
            return made
        }
        let granted: Bool = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let waiter = Task {
                await semaphore.acquire()
                once.resume(true)
                // Granted after the wait was abandoned: give it back.
                if abandon.isCancelled { await semaphore.release() }
            }
            abandon.onCancel { _ in
                once.resume(false)
                _ = waiter
            }
        }
        guard granted, !abandon.isCancelled else { return nil }
        return { await semaphore.release() }
    }
}
