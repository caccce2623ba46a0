import Foundation

/// What the controller hands the agent of a job pod: the Forgejo task (its secrets included, which
/// is why it travels over the channel and never through the pod spec) and the runner settings the
/// job needs.
public struct AgentJob: Codable, Sendable {
    /// The `Runner_V1_Task` in protobuf binary form.
    public var task: Data
    /// The Forgejo instance address (`GITHUB_SERVER_URL`).
    public var address: String
    public var runnerName: String
    public var version: String
    /// `runner.envs` plus `runner.env_file`.
    public var environment: [String: String]
    /// `ACTIONS_CACHE_URL` as job pods reach the cache server, if there is one.
    public var cacheURL: String?
    public var jobTimeoutSeconds: Double
    public var terminationGraceSeconds: Double

    public init(
        task: Data, address: String, runnerName: String, version: String, environment: [String: String], cacheURL: String?,
        jobTimeoutSeconds: Double, terminationGraceSeconds: Double
    ) {
        self.task = task
        self.address = address
        self.runnerName = runnerName
        self.version = version
        self.environment = environment
        self.cacheURL = cacheURL
        self.jobTimeoutSeconds = jobTimeoutSeconds
        self.terminationGraceSeconds = terminationGraceSeconds
    }
}

/// The channel's paths (relative to the controller URL the pod is given).
public enum AgentChannelPath {
    public static func job(_ taskID: Int64) -> String { "/hearth/agent/v1/tasks/\(taskID)/job" }
    public static func records(_ taskID: Int64) -> String { "/hearth/agent/v1/tasks/\(taskID)/records" }
}
