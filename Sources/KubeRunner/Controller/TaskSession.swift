import Engine
import Forgejo
import Foundation
import Logging
import Synchronization

/// The controller's side of one running job: replays the agent's records, in sequence, into the
/// task's Forgejo reporter, and relays cancellation back. A session made after a controller
/// restart (adoption) starts at record 0; the agent then sends everything again and the reporter
/// rebuilds the same rows, which Forgejo acknowledges without storing twice.
public final class TaskSession: Sendable {
    public let taskID: Int64
    /// The job to hand out; nil for an adopted session (the agent has it already).
    public let job: AgentJob?
    /// Cancels the job: set by Forgejo's reply (through the reporter) or by the controller.
    public let cancellation: CancellationSignal
    private let client: any TaskReportingClient
    private let timing: ReportTiming
    private let logger: Logger
    private let state = Mutex(State())
    private let ready = Latch()
    private let closed = Latch()

    private struct State {
        var next = 0
        var reporter: TaskReporter?
        var reporting: Task<Void, Never>?
        var finishing = false
        var result: Conclusion?
        var lastContact = ContinuousClock.now
        var jobFetched = false
    }

    public init(taskID: Int64, job: AgentJob?, client: any TaskReportingClient, timing: ReportTiming, logger: Logger) {
        self.taskID = taskID
        self.job = job
        self.client = client
        self.timing = timing
        self.logger = logger
        cancellation = CancellationSignal()
    }

    /// The pod's services are ready: the agent may have its job.
    public func markReady() { ready.open() }

    /// Waits up to `timeout` for readiness (a long poll for the agent's job request).
    func waitUntilReady(timeout: Duration) async -> Bool {
        await ready.wait(timeout: timeout)
    }

    func noteJobFetched() {
        state.withLock {
            $0.jobFetched = true
            $0.lastContact = .now
        }
    }

    /// Whether the agent has asked for its job or uploaded anything.
    public var agentConnected: Bool { state.withLock { $0.jobFetched || $0.next > 0 } }
    public var isClosed: Bool { closed.isOpen }
    /// The job's result once the agent finished it.
    public var result: Conclusion? { state.withLock { $0.result } }

    /// Applies an upload and answers with the next record wanted.
    public func apply(_ upload: AgentUpload) -> AgentAcknowledgement {
        var finishing: (Conclusion, String?)?
        let next = state.withLock { state -> Int in
            state.lastContact = .now
            guard upload.from <= state.next else { return state.next }
            for record in upload.records.dropFirst(state.next - upload.from) {
                switch record {
                case .begin(let stepCount, let stepDebug):
                    if state.reporter == nil { start(&state, stepCount: stepCount, stepDebug: stepDebug) }
                case .event(let event):
                    if state.reporter == nil { start(&state, stepCount: 0, stepDebug: false) }
                    state.reporter?.receive(event)
                case .note(let text):
                    if state.reporter == nil { start(&state, stepCount: 0, stepDebug: false) }
                    state.reporter?.note(text)
                case .finish(let result, let message):
                    if !state.finishing {
                        state.finishing = true
                        state.result = result
                        finishing = (result, message)
                    }
                }
                state.next += 1
            }
            return state.next
        }
        if let (result, message) = finishing {
            Task { await self.close(result: result, message: message) }
        }
        return acknowledgement(next: next)
    }

    func acknowledgement(next: Int? = nil) -> AgentAcknowledgement {
        AgentAcknowledgement(
            next: next ?? state.withLock { $0.next }, cancel: cancellation.isCancelled, reason: cancellation.reason, closed: closed.isOpen)
    }

    private func start(_ state: inout State, stepCount: Int, stepDebug: Bool) {
        let reporter = TaskReporter(
            taskID: taskID, stepCount: stepCount, client: client, timing: timing, cancellation: cancellation, stepDebug: stepDebug,
            logger: logger)
        state.reporter = reporter
        state.reporting = Task { await reporter.run() }
    }

    /// Reports the end to Forgejo (retrying as the reporter does) and wakes `waitUntilClosed`.
    private func close(result: Conclusion, message: String?) async {
        let reporter = state.withLock { state -> TaskReporter in
            if state.reporter == nil { start(&state, stepCount: 0, stepDebug: false) }
            return state.reporter!
        }
        await reporter.close(result: result, message: message)
        state.withLock { $0.reporting?.cancel() }
        closed.open()
    }

    /// Ends the task without its agent (the pod failed, never started, or vanished): the reason is
    /// the job's last log row and the result is `result`. Does nothing once the agent finished.
    public func fail(_ result: Conclusion, message: String) async {
        let proceed = state.withLock { state -> Bool in
            guard !state.finishing else { return false }
            state.finishing = true
            state.result = result
            return true
        }
        guard proceed else { return }
        await close(result: result, message: message)
    }

    /// Stops reporting without an end (the controller stops; the next one adopts the job).
    public func detach() {
        state.withLock { $0.reporting?.cancel() }
    }

    /// Returns once the job's end has been reported to Forgejo.
    public func waitUntilClosed() async {
        await closed.wait()
    }
}

/// The sessions of one controller by task id.
public final class TaskSessions: Sendable {
    private let sessions = Mutex<[Int64: TaskSession]>([:])

    public init() {}

    public func add(_ session: TaskSession) { sessions.withLock { $0[session.taskID] = session } }
    public func remove(_ taskID: Int64) { sessions.withLock { _ = $0.removeValue(forKey: taskID) } }
    public func session(_ taskID: Int64) -> TaskSession? { sessions.withLock { $0[taskID] } }
    public var all: [TaskSession] { sessions.withLock { Array($0.values) } }

    /// The existing session, or `make()`'s, atomically (two uploads of an unknown task at once
    /// adopt it once).
    public func session(_ taskID: Int64, orAdd make: () -> TaskSession?) -> TaskSession? {
        sessions.withLock { sessions in
            if let existing = sessions[taskID] { return existing }
            guard let made = make() else { return nil }
            sessions[taskID] = made
            return made
        }
    }
}
