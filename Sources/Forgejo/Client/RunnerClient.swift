import ForgejoProtocol

/// Typed calls of the runner API over a ``ConnectClient``.
///
/// The connection decides authentication: create it without UUID/token for ``ping(_:)`` and
/// ``register(name:token:version:labels:ephemeral:)``, and with the runner's credentials for
/// everything else. The caller owns the connection and shuts it down.
public struct RunnerClient: RunnerAPI {
    /// Procedure names (`<package>.<Service>/<Method>`).
    public enum Procedure {
        /// `ping.v1.PingService/Ping`
        public static let ping = "ping.v1.PingService/Ping"
        /// `runner.v1.RunnerService/Register`
        public static let register = "runner.v1.RunnerService/Register"
        /// `runner.v1.RunnerService/Declare`
        public static let declare = "runner.v1.RunnerService/Declare"
        /// `runner.v1.RunnerService/FetchTask`
        public static let fetchTask = "runner.v1.RunnerService/FetchTask"
        /// `runner.v1.RunnerService/FetchSingleTask`
        public static let fetchSingleTask = "runner.v1.RunnerService/FetchSingleTask"
        /// `runner.v1.RunnerService/UpdateTask`
        public static let updateTask = "runner.v1.RunnerService/UpdateTask"
        /// `runner.v1.RunnerService/UpdateLog`
        public static let updateLog = "runner.v1.RunnerService/UpdateLog"
    }

    /// The underlying connection.
    public let connection: ConnectClient

    /// Wraps a connection.
    public init(connection: ConnectClient) {
        self.connection = connection
    }

    public func ping(_ data: String) async throws -> String {
        var request = Ping_V1_PingRequest()
        request.data = data
        let reply: Ping_V1_PingResponse = try await connection.call(Procedure.ping, request)
        return reply.data
    }

    /// Registers a runner. `labels` are label **names** (`RunnerLabel.name`); they are sent in
    /// both `labels` and the deprecated `agent_labels`, as forgejo-runner does.
    public func register(name: String, token: String, version: String, labels: [String], ephemeral: Bool = false) async throws -> Runner_V1_Runner {
        var request = Runner_V1_RegisterRequest()
        request.name = name
        request.token = token
        request.version = version
        request.labels = labels
        request.agentLabels = labels
        request.ephemeral = ephemeral
        let reply: Runner_V1_RegisterResponse = try await connection.call(Procedure.register, request)
        return reply.runner
    }

    /// Declares version and label **names**; the reply's runner has an empty token.
    public func declare(version: String, labels: [String]) async throws -> Runner_V1_Runner {
        var request = Runner_V1_DeclareRequest()
        request.version = version
        request.labels = labels
        let reply: Runner_V1_DeclareResponse = try await connection.call(Procedure.declare, request)
        return reply.runner
    }

    /// Asks for work. `capacity` fills `task_capacity` (Forgejo ≥ 14; omitted when nil);
    /// `requestKey` is the idempotency key (see ``RequestKeyRotation``); `timeout` bounds the
    /// call and is announced as `Connect-Timeout-Ms` (use `runner.fetch_timeout`).
    public func fetchTask(tasksVersion: Int64, capacity: Int? = nil, requestKey: String? = nil, timeout: Duration? = nil) async throws -> Runner_V1_FetchTaskResponse {
        var request = Runner_V1_FetchTaskRequest()
        request.tasksVersion = tasksVersion
        if let capacity { request.taskCapacity = Int64(capacity) }
        return try await connection.call(Procedure.fetchTask, request, requestKey: requestKey, timeout: timeout)
    }

    /// Asks for at most one task, optionally a specific job attempt by `handle` (Forgejo ≥ 15).
    public func fetchSingleTask(tasksVersion: Int64 = 0, handle: String? = nil, requestKey: String? = nil, timeout: Duration? = nil) async throws -> Runner_V1_FetchSingleTaskResponse {
        var request = Runner_V1_FetchSingleTaskRequest()
        request.tasksVersion = tasksVersion
        if let handle, !handle.isEmpty { request.handle = handle }
        return try await connection.call(Procedure.fetchSingleTask, request, requestKey: requestKey, timeout: timeout)
    }

    /// Reports the full task state and the outputs not yet acknowledged. The reply's
    /// `state.result` is the server's view (CANCELLED/FAILURE means: stop the job).
    public func updateTask(state: Runner_V1_TaskState, outputs: [String: String] = [:]) async throws -> Runner_V1_UpdateTaskResponse {
        var request = Runner_V1_UpdateTaskRequest()
        request.state = state
        request.outputs = outputs
        return try await connection.call(Procedure.updateTask, request)
    }

    /// Sends log rows starting at absolute row `index`; the reply's `ack_index` is the number of
    /// rows the server has stored.
    public func updateLog(taskID: Int64, index: Int64, rows: [Runner_V1_LogRow], noMore: Bool = false) async throws -> Runner_V1_UpdateLogResponse {
        var request = Runner_V1_UpdateLogRequest()
        request.taskID = taskID
        request.index = index
        request.rows = rows
        request.noMore = noMore
        return try await connection.call(Procedure.updateLog, request)
    }
}
