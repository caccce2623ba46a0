import Engine
import Foundation
import ForgejoProtocol
import Logging
import SwiftProtobuf
import Synchronization

/// What the reporter needs from the server connection (the `RunnerClient`, or a test double).
public protocol TaskReportingClient: Sendable {
    /// UpdateLog; returns the server's `ack_index`.
    func reportLog(taskID: Int64, index: Int64, rows: [Runner_V1_LogRow], noMore: Bool) async throws -> Int64
    /// UpdateTask; returns the server's view of the result and the output keys it has stored.
    func reportState(_ state: Runner_V1_TaskState, outputs: [String: String]) async throws -> (result: Runner_V1_Result, sentOutputs: [String])
}

/// How often and how persistently a task is reported (config `runner.report_interval` and
/// `runner.report_retry.*`).
public struct ReportTiming: Sendable {
    public var interval: Duration
    public var maxRetries: Int
    public var initialDelay: Duration
    public var maxDelay: Duration?

    public init(interval: Duration = .seconds(1), maxRetries: Int = 10, initialDelay: Duration = .milliseconds(100), maxDelay: Duration? = nil) {
        self.interval = interval
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }
}

/// Reports one task to Forgejo: log rows (one contiguous block per step, acknowledged by row
/// count, kept until acknowledged), the full task state as heartbeat every tick, the job's
/// outputs, and at the end `no_more` followed by the final state. A CANCELLED or FAILURE result
/// in the server's reply while the job runs cancels it.
public final class TaskReporter: EventSink, Sendable {
    public let taskID: Int64
    private let client: any TaskReportingClient
    private let timing: ReportTiming
    private let cancellation: CancellationSignal
    private let logger: Logger
    private let state: Mutex<State>
    private let metrics: RunnerMetrics?
    /// One flush at a time: the final one must not race a periodic one for the last rows.
    private let gate = AsyncSemaphore(permits: 1)

    private struct State {
        var log: TaskLog
        var buffer = LogBuffer()
        var sentOutputs = Set<String>()
        var credentialsGone = false
        var finished = false
        var closing = false
        var firstStepSeen = false
    }

    public init(
        taskID: Int64, stepCount: Int, client: any TaskReportingClient, timing: ReportTiming, cancellation: CancellationSignal,
        stepDebug: Bool = false, logger: Logger = Logger(label: "hearth.reporter"), metrics: RunnerMetrics? = nil
    ) {
        self.taskID = taskID
        self.client = client
        self.timing = timing
        self.cancellation = cancellation
        self.logger = logger
        self.metrics = metrics
        state = Mutex(State(log: TaskLog(stepCount: stepCount, stepDebug: stepDebug)))
    }

    public func receive(_ event: RunEvent) {
        let firstStep = state.withLock { state -> Bool in
            state.log.apply(event)
            state.buffer.append(state.log.takeRows())
            if case .stepStarted = event, !state.firstStepSeen {
                state.firstStepSeen = true
                return true
            }
            return false
        }
        if firstStep { metrics?.firstStepStarted(taskID: taskID) }
    }

    /// A message from the runner itself (set-up, errors) outside any step.
    public func note(_ text: String) {
        state.withLock { state in
            state.log.appendJobRow(text)
            state.buffer.append(state.log.takeRows())
        }
    }

    /// Reports every `interval` until `close` (run it in a task beside the job).
    public func run() async {
        while !Task.isCancelled && !state.withLock({ $0.finished || $0.credentialsGone }) {
            do {
                try await Task.sleep(for: timing.interval)
            } catch {
                return
            }
            if state.withLock({ $0.closing }) { return }
            await gate.acquire()
            if !state.withLock({ $0.closing }) { _ = await flush(final: false) }
            await gate.release()
        }
    }

    /// Sends what is pending. Returns true when everything (including the final state, if `final`)
    /// was accepted.
    func flush(final: Bool) async -> Bool {
        if state.withLock({ $0.credentialsGone }) { return false }
        do {
            // Logs first, in batches, until the buffer is empty.
            while true {
                let (index, rows, noMoreAllowed) = state.withLock { state -> (Int64, [Runner_V1_LogRow], Bool) in
                    let batch = state.buffer.nextBatch()
                    return (batch.index, batch.rows, batch.rows.count == state.buffer.count)
                }
                if rows.isEmpty { break }
                let ack = try await client.reportLog(taskID: taskID, index: index, rows: rows, noMore: final && noMoreAllowed)
                let consistent = state.withLock { $0.buffer.acknowledge(ack) }
                metrics?.logRowsSent(max(0, Int(ack - index)))
                if !consistent {
                    logger.error("task \(taskID): the server lost log rows it had acknowledged (ack \(ack) < \(index))")
                    break
                }
                if ack < index + Int64(rows.count) { break }  // the server took less; retry next tick
            }
            let (taskState, outputs) = state.withLock { state -> (Runner_V1_TaskState, [String: String]) in
                var taskState = Runner_V1_TaskState()
                taskState.id = taskID
                taskState.result = final ? state.log.result : .unspecified
                if let started = state.log.startedAt { taskState.startedAt = Google_Protobuf_Timestamp(date: started) }
                if final { taskState.stoppedAt = Google_Protobuf_Timestamp(date: Date()) }
                taskState.steps = state.log.steps
                let unsent = state.log.result == .success ? state.log.outputs.filter { !state.sentOutputs.contains($0.key) } : [:]
                return (taskState, unsent)
            }
            let reply = try await client.reportState(taskState, outputs: outputs)
            state.withLock { $0.sentOutputs.formUnion(reply.sentOutputs) }
            if !final, reply.result == .cancelled || reply.result == .failure {
                if !cancellation.isCancelled {
                    logger.info("task \(taskID): the server says \(reply.result == .cancelled ? "cancelled" : "failed"); cancelling the job")
                    cancellation.cancel(reason: "The task was cancelled on the server")
                }
            }
            let pending = state.withLock { !$0.buffer.isEmpty }
            return !pending && outputs.keys.allSatisfy { reply.sentOutputs.contains($0) }
        } catch let error as ConnectError where error.meansCredentialsGone {
            state.withLock { $0.credentialsGone = true }
            logger.error("task \(taskID): the server no longer accepts this runner's credentials (\(error.message)); stopping its reports")
            return false
        } catch {
            logger.warning("task \(taskID): report failed, will retry: \(error)")
            return false
        }
    }

    /// Finishes reporting: remaining rows with `no_more`, then the final state, retried with
    /// backoff (`report_retry`). Returns whether the server took everything.
    @discardableResult
    public func close(result fallback: Conclusion? = nil, message: String? = nil) async -> Bool {
        state.withLock { $0.closing = true }
        // Wait for a periodic flush in flight; none starts after this.
        await gate.acquire()
        defer { Task { await gate.release() } }
        state.withLock { state in
            if let message {
                state.log.appendJobRow(message)
            }
            if state.log.result == .unspecified {
                state.log.finish(fallback ?? .failure)
            }
            // The last row travels with `no_more` (the server ignores `no_more` without a new row).
            state.log.appendJobRow("Job \(TaskLog.resultName(state.log.result) == "success" ? "succeeded" : TaskLog.resultName(state.log.result))")
            state.buffer.append(state.log.takeRows())
        }
        var delay = timing.initialDelay
        for attempt in 0...timing.maxRetries {
            if await flush(final: true) {
                state.withLock { $0.finished = true }
                return true
            }
            if state.withLock({ $0.credentialsGone }) { break }
            if attempt == timing.maxRetries { break }
            try? await Task.sleep(for: delay)
            delay = delay * 2
            if let maxDelay = timing.maxDelay, delay > maxDelay { delay = maxDelay }
        }
        state.withLock { $0.finished = true }
        logger.error("task \(taskID): giving up reporting after \(timing.maxRetries) retries; the server will reap the task")
        return false
    }

    /// The result recorded so far (for metrics and tests).
    public var result: Runner_V1_Result { state.withLock { $0.log.result } }
}

extension RunnerClient: TaskReportingClient {
    public func reportLog(taskID: Int64, index: Int64, rows: [Runner_V1_LogRow], noMore: Bool) async throws -> Int64 {
        try await updateLog(taskID: taskID, index: index, rows: rows, noMore: noMore).ackIndex
    }

    public func reportState(_ state: Runner_V1_TaskState, outputs: [String: String]) async throws -> (result: Runner_V1_Result, sentOutputs: [String]) {
        let reply = try await updateTask(state: state, outputs: outputs)
        return (reply.state.result, reply.sentOutputs)
    }
}
