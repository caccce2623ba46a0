import Foundation

/// One step row of a task as the server stores it: created from the job's `steps:` when the task
/// is picked, then updated from the `StepState` with the same index in each UpdateTask (§3.8 5).
public struct TaskStep: Sendable, Hashable, Encodable {
    /// 0-based position in the job's `steps:` list (the wire `StepState.id`).
    public var index: Int
    /// The step's `name`, else its `uses`, else its `run` text (truncated to 255 bytes).
    public var name: String
    public var status: ActionStatus
    /// Absolute row number of the step's first log row.
    public var logIndex: Int64
    /// Number of log rows of the step.
    public var logLength: Int64
    /// Start time in whole seconds, as stored (nil = 0 = not started).
    public var startedAt: Date?
    /// Stop time in whole seconds, as stored (nil = 0).
    public var stoppedAt: Date?

    public init(index: Int, name: String, status: ActionStatus = .waiting, logIndex: Int64 = 0, logLength: Int64 = 0,
                startedAt: Date? = nil, stoppedAt: Date? = nil) {
        self.index = index
        self.name = name
        self.status = status
        self.logIndex = logIndex
        self.logLength = logLength
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
    }

    private enum CodingKeys: String, CodingKey {
        case index, name, status, logIndex = "log_index", logLength = "log_length", startedAt = "started_at"
        case stoppedAt = "stopped_at"
    }
}
