import AsyncHTTPClient
import Engine
import Foundation
import Forgejo
import Logging
import NIOCore
import Synchronization

/// The agent's side of the channel: every record of the job, kept in order until the controller
/// has acknowledged it, uploaded in batches. A dropped connection or a controller restart only
/// delays uploads: the agent keeps running steps, and a controller that lost its state asks for
/// everything again from the start (its `next` goes back), which the agent still holds.
public final class RecordUploader: Sendable {
    private let channel: AgentChannelClient
    private let cancellation: CancellationSignal
    private let logger: Logger
    private let state = Mutex(State())
    private let wake = AsyncSignal()
    private let closed = Latch()

    private struct State {
        var records: [Data] = []
        var acknowledged = 0
        var finished = false
    }

    public init(channel: AgentChannelClient, cancellation: CancellationSignal, logger: Logger) {
        self.channel = channel
        self.cancellation = cancellation
        self.logger = logger
    }

    /// Appends a record (encoded at once, so later mutation cannot change it).
    public func append(_ record: AgentRecord) {
        guard let data = try? JSONEncoder().encode(record) else { return }
        state.withLock { state in
            state.records.append(data)
            if case .finish = record { state.finished = true }
        }
        wake.signal()
    }

    /// Uploads until the controller has acknowledged the `finish` record (or the task is gone).
    /// Uploads at least once a second even when idle, so cancellation reaches the job promptly.
    public func run() async {
        var delay: Duration = .milliseconds(200)
        while !Task.isCancelled {
            let (from, batch, finished) = state.withLock { state -> (Int, [Data], Bool) in
                let end = min(state.records.count, state.acknowledged + 500)
                return (state.acknowledged, Array(state.records[state.acknowledged..<end]), state.finished)
            }
            do {
                let ack = try await channel.upload(from: from, records: batch)
                delay = .milliseconds(200)
                let done = state.withLock { state -> Bool in
                    state.acknowledged = min(max(0, ack.next), state.records.count)
                    return state.finished && state.acknowledged == state.records.count && ack.closed
                }
                if ack.cancel && !cancellation.isCancelled {
                    logger.info("the controller cancels the job: \(ack.reason ?? "cancelled")")
                    cancellation.cancel(reason: ack.reason ?? "The task was cancelled")
                }
                if done { break }
                let more = state.withLock { $0.acknowledged < $0.records.count }
                if more && ack.next > from { continue }
                await wake.wait(timeout: finished ? .milliseconds(200) : .seconds(1))
            } catch AgentChannelClient.Failure.unknownTask {
                if finished {
                    logger.info("the controller has finished with this task")
                } else {
                    logger.error("the controller no longer knows this task; the agent stops reporting")
                }
                break
            } catch {
                logger.warning("upload to the controller failed (\(error)); retrying in \(delay)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        closed.open()
    }

    /// Returns once `run` has ended (everything acknowledged and reported to Forgejo).
    public func waitUntilClosed() async {
        await closed.wait()
    }

    /// Records appended so far (tests).
    public var count: Int { state.withLock { $0.records.count } }
}

/// The job's progress, turned into records for the controller.
final class AgentProgress: TaskProgress {
    let uploader: RecordUploader

    init(uploader: RecordUploader) { self.uploader = uploader }

    func receive(_ event: RunEvent) { uploader.append(.event(event)) }
    func note(_ text: String) { uploader.append(.note(text)) }
    func finish(result: Conclusion, message: String?) async {
        uploader.append(.finish(result: result, message: message))
        await uploader.waitUntilClosed()
    }
}

/// A level-triggered wake-up: `signal` wakes the current or the next `wait`.
final class AsyncSignal: Sendable {
    private let state = Mutex<(pending: Bool, waiter: ResumeOnce<Void>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { state -> ResumeOnce<Void>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume(())
    }

    func wait(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            let now = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = once
                return false
            }
            if now {
                once.resume(())
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(())
            }
        }
    }
}
