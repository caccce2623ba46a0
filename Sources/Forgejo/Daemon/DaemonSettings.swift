import Engine
import Foundation

/// What the daemon derives from `config.yml` and `.runner` for running tasks.
public struct DaemonSettings: Sendable {
    /// Hearth's version, reported to Forgejo and to jobs.
    public var version: String
    /// The instance address from registration, without a trailing slash.
    public var address: String
    public var runnerName: String
    public var capacity: Int
    public var fetchInterval: Duration
    public var fetchTimeout: Duration
    public var reportTiming: ReportTiming
    /// `runner.timeout`: the longest a job may run.
    public var jobTimeout: Duration
    /// `runner.shutdown_timeout`: how long running tasks may finish after SIGTERM.
    public var shutdownTimeout: Duration
    public var terminationGrace: Duration
    /// `host.workdir_parent`: task workspaces live below it.
    public var workdirParent: String
    /// Where fetched actions are cached.
    public var actionCache: String
    /// `runner.envs` plus `runner.env_file`.
    public var environment: [String: String]
    public var backends: BackendSelection
    /// `ACTIONS_CACHE_URL` for a task of a repository (`owner/name`), isolated to `ref` for
    /// pull-request events; nil: no cache server.
    public var cacheURL: (@Sendable (_ repository: String, _ ref: String?) -> String)?
    /// Runs every task instead of the local backends (the Kubernetes controller); nil: run here.
    public var executor: (any TaskExecutor)?

    public init(
        version: String, address: String, runnerName: String, capacity: Int = 1, fetchInterval: Duration = .seconds(2),
        fetchTimeout: Duration = .seconds(5), reportTiming: ReportTiming = ReportTiming(), jobTimeout: Duration = .seconds(3 * 3600),
        shutdownTimeout: Duration = .zero, terminationGrace: Duration = .seconds(5), workdirParent: String, actionCache: String,
        environment: [String: String] = [:], backends: BackendSelection
    ) {
        self.version = version
        self.address = address
        self.runnerName = runnerName
        self.capacity = max(1, capacity)
        self.fetchInterval = fetchInterval
        self.fetchTimeout = fetchTimeout
        self.reportTiming = reportTiming
        self.jobTimeout = jobTimeout
        self.shutdownTimeout = shutdownTimeout
        self.terminationGrace = terminationGrace
        self.workdirParent = workdirParent
        self.actionCache = actionCache
        self.environment = environment
        self.backends = backends
    }
}
