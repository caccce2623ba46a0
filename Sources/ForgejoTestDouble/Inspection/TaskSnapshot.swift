import ForgejoProtocol
import Foundation

/// A copy of one task (one execution attempt of a job) as the server sees it.
public struct TaskSnapshot: Sendable, Encodable {
    public var id: Int64
    public var jobID: JobID
    public var runID: Int64
    public var runnerID: Int64
    public var attempt: Int64
    public var status: ActionStatus
    /// Assignment time (Forgejo's task start; the runner's `started_at` is ignored).
    public var startedAt: Date
    /// The final state's `stopped_at` seconds (nil while running, or when the runner sent none).
    public var stoppedAt: Date?
    /// Last UpdateTask (the zombie reaper's clock).
    public var updatedAt: Date
    /// The task token currently valid (also `GITHUB_TOKEN`); replaced on request-key recovery.
    public var token: String
    /// The `x-runner-request-key` the task was created under, if any.
    public var requestKey: String?
    public var steps: [TaskStep]
    /// Stored job outputs (first write wins).
    public var outputs: [String: String]
    /// Output keys in the order they were stored.
    public var outputKeys: [String]
    /// The log rows stored so far (= the UpdateLog ack index).
    public var logRows: [LogRow]
    /// True once the log was finalized (`no_more`, or a reaper).
    public var logFinalized: Bool

    /// The wire result (`unspecified` unless final).
    public var result: Runner_V1_Result { status.result }
    /// The log as Forgejo's log file holds it (`<time> <content>` per row).
    public var logLines: [String] { logRows.map(\.line) }
    /// The stored contents of the rows.
    public var logContents: [String] { logRows.map(\.content) }

    private enum CodingKeys: String, CodingKey {
        case id, jobID = "job_id", runID = "run_id", runnerID = "runner_id", attempt, status
        case startedAt = "started_at", stoppedAt = "stopped_at", updatedAt = "updated_at"
        case requestKey = "request_key", steps, outputs, logRows = "log_rows", logFinalized = "log_finalized"
    }
}
