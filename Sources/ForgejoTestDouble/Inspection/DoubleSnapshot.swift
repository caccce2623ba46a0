/// Everything the double holds at one moment, as the wait functions see it.
public struct DoubleSnapshot: Sendable {
    /// All tasks, by ascending id.
    public var tasks: [TaskSnapshot]
    /// All jobs, by ascending id.
    public var jobs: [JobSnapshot]
    /// Registered runners (deleted ephemeral runners are gone), by ascending id.
    public var runners: [RunnerSnapshot]
    /// The global tasks_version counter.
    public var tasksVersion: Int64

    /// The task with this id.
    public func task(_ id: Int64) -> TaskSnapshot? { tasks.first { $0.id == id } }
    /// The job with this id.
    public func job(_ id: JobID) -> JobSnapshot? { jobs.first { $0.id == id } }
}
