/// What one run of the reapers did.
public struct ReaperReport: Sendable, Hashable, Encodable {
    /// Running tasks without UpdateTask for longer than the zombie timeout, now failed.
    public var zombieTasks: [Int64] = []
    /// Tasks running longer than the endless timeout, now failed.
    public var endlessTasks: [Int64] = []
    /// Waiting or blocked jobs older than the abandoned timeout, now cancelled.
    public var abandonedJobs: [JobID] = []

    public init() {}

    /// True when nothing was reaped.
    public var isEmpty: Bool { zombieTasks.isEmpty && endlessTasks.isEmpty && abandonedJobs.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case zombieTasks = "zombie_tasks", endlessTasks = "endless_tasks", abandonedJobs = "abandoned_jobs"
    }
}
