import ForgejoProtocol

/// The runner-side view of the Forgejo runner API (`ping.v1.PingService` and
/// `runner.v1.RunnerService`), so the daemon and reporter can be driven by a fake in unit tests.
/// ``RunnerClient`` is the real implementation.
public protocol RunnerAPI: Sendable {
    /// `ping.v1.PingService/Ping`; returns the server's `data` (`"Hello, <data>!"`).
    func ping(_ data: String) async throws -> String
    /// `runner.v1.RunnerService/Register` with a registration token; returns the new runner
    /// (its `token` is only ever sent here).
    func register(name: String, token: String, version: String, labels: [String], ephemeral: Bool) async throws -> Runner_V1_Runner
    /// `runner.v1.RunnerService/Declare`: replaces the stored version and label names.
    func declare(version: String, labels: [String]) async throws -> Runner_V1_Runner
    /// `runner.v1.RunnerService/FetchTask`.
    func fetchTask(tasksVersion: Int64, capacity: Int?, requestKey: String?, timeout: Duration?) async throws -> Runner_V1_FetchTaskResponse
    /// `runner.v1.RunnerService/FetchSingleTask` (Forgejo ≥ 15).
    func fetchSingleTask(tasksVersion: Int64, handle: String?, requestKey: String?, timeout: Duration?) async throws -> Runner_V1_FetchSingleTaskResponse
    /// `runner.v1.RunnerService/UpdateTask`.
    func updateTask(state: Runner_V1_TaskState, outputs: [String: String]) async throws -> Runner_V1_UpdateTaskResponse
    /// `runner.v1.RunnerService/UpdateLog`.
    func updateLog(taskID: Int64, index: Int64, rows: [Runner_V1_LogRow], noMore: Bool) async throws -> Runner_V1_UpdateLogResponse
}
