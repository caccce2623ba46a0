import Foundation

/// The runner's `config.yml`, in forgejo-runner's format (sections `log`, `runner`, `cache`,
/// `container`, `host`, `server`), with every key typed and defaulted as forgejo-runner does.
///
/// Load it with ``load(path:environment:currentDirectory:)``; print a commented example with
/// ``ConfigTemplate/text``. Keys are described once, in ``ConfigSchema``: adding a key means
/// adding a property here and one entry there.
public struct RunnerConfig: Sendable, Equatable {
    /// `log.*`
    public struct Log: Sendable, Equatable {
        /// `log.level`: level of the runner's own log (trace, debug, info, warn, error, fatal).
        public var level = "info"
        /// `log.job_level`: level of runner messages written into job logs.
        public var jobLevel = "info"

        /// The defaults.
        public init() {}
    }

    /// `runner.report_retry.*`
    public struct ReportRetry: Sendable, Equatable {
        /// `max_retries`: attempts to deliver the final logs/state of a task.
        public var maxRetries = 10
        /// `initial_delay`: first pause, doubled each attempt.
        public var initialDelay: Duration = .milliseconds(100)
        /// `max_delay`: cap of the pause; zero means no cap.
        public var maxDelay: Duration = .zero

        /// The defaults.
        public init() {}
    }

    /// `runner.*`
    public struct Runner: Sendable, Equatable {
        /// `runner.file`: the registration file.
        public var file = ".runner"
        /// `runner.capacity`: maximum concurrent tasks.
        public var capacity = 1
        /// `runner.envs` merged with the contents of `runner.env_file` (the file wins).
        public var envs: [String: String] = [:]
        /// `runner.env_file`: dotenv file merged into ``envs`` when it exists ("" = none).
        public var envFile = ""
        /// `runner.timeout`: maximum duration of a job.
        public var timeout: Duration = .seconds(3 * 3600)
        /// `runner.shutdown_timeout`: how long to let running jobs finish on SIGINT/SIGTERM
        /// (zero: cancel them at once).
        public var shutdownTimeout: Duration = .zero
        /// `runner.insecure`: skip TLS verification of the instance.
        public var insecure = false
        /// `runner.fetch_timeout`: deadline of one FetchTask call.
        public var fetchTimeout: Duration = .seconds(5)
        /// `runner.fetch_interval`: minimum time between FetchTask calls.
        public var fetchInterval: Duration = .seconds(2)
        /// `runner.report_interval`: log/state report tick of a running task.
        public var reportInterval: Duration = .seconds(1)
        /// `runner.report_retry.*`
        public var reportRetry = ReportRetry()
        /// `runner.labels`: labels declared at start-up; when non-empty they replace the labels
        /// stored in the registration file.
        public var labels: [RunnerLabel] = []

        /// The defaults.
        public init() {}
    }

    /// `cache.*` (the built-in `actions/cache` server and proxy).
    public struct Cache: Sendable, Equatable {
        /// `cache.enabled`
        public var enabled = true
        /// `cache.dir`: storage of the internal cache server.
        public var dir: String
        /// `cache.host`: host or IP put into the URL given to jobs ("" = detect).
        public var host = ""
        /// `cache.port`: internal cache server port (0 = random).
        public var port: UInt16 = 0
        /// `cache.proxy_port`: cache proxy port (0 = random).
        public var proxyPort: UInt16 = 0
        /// `cache.external_server`: URL of an external cache server ("" = run one).
        public var externalServer = ""
        /// `cache.secret`: shared secret of proxy and server ("" = random).
        public var secret = ""
        /// `cache.actions_cache_url_override`: literal `ACTIONS_CACHE_URL` for jobs.
        public var actionsCacheURLOverride = ""

        /// The defaults with the given storage directory.
        public init(dir: String) {
            self.dir = dir
        }
    }

    /// `container.*`
    public struct Container: Sendable, Equatable {
        /// `container.network` ("" = a network per job; also set by the deprecated `network_mode`).
        public var network = ""
        /// `container.enable_ipv6`
        public var enableIPv6 = false
        /// `container.privileged`
        public var privileged = false
        /// `container.options`: extra container-create options.
        public var options = ""
        /// `container.workdir_parent`: parent of the job workspace inside containers.
        public var workdirParent = "workspace"
        /// `container.valid_volumes`: globs of volumes/binds jobs may mount.
        public var validVolumes: [String] = []
        /// `container.docker_host`: `-` (default) mounts no socket, `automount`, or a socket URL.
        public var dockerHost = "-"
        /// `container.force_pull`
        public var forcePull = false
        /// `container.force_rebuild`
        public var forceRebuild = false

        /// The defaults.
        public init() {}
    }

    /// `host.*`
    public struct Host: Sendable, Equatable {
        /// `host.workdir_parent`: absolute parent directory for `host` label jobs.
        public var workdirParent: String

        /// Settings with the given workspace parent.
        public init(workdirParent: String) {
            self.workdirParent = workdirParent
        }
    }

    /// One `server.connections.<name>` entry (credentials in config.yml instead of `.runner`).
    public struct Connection: Sendable, Equatable {
        /// The map key.
        public var name: String
        /// `url`: instance address.
        public var url: String
        /// `uuid`: runner UUID.
        public var uuid: String
        /// `token`: runner token.
        public var token: String
        /// `labels`: labels for this connection (empty = `runner.labels`).
        public var labels: [RunnerLabel] = []
        /// `fetch_interval` for this connection (nil = `runner.fetch_interval`).
        public var fetchInterval: Duration?

        /// Creates a connection entry.
        public init(name: String, url: String, uuid: String, token: String, labels: [RunnerLabel] = [], fetchInterval: Duration? = nil) {
            self.name = name
            self.url = url
            self.uuid = uuid
            self.token = token
            self.labels = labels
            self.fetchInterval = fetchInterval
        }
    }

    /// `server.*`
    public struct Server: Sendable, Equatable {
        /// `server.connections`, in file order.
        public var connections: [Connection] = []

        /// No connections.
        public init() {}
    }

    /// `log.*`
    public var log = Log()
    /// `runner.*`
    public var runner = Runner()
    /// `cache.*`
    public var cache: Cache
    /// `container.*`
    public var container = Container()
    /// `host.*`
    public var host: Host
    /// `server.*`
    public var server = Server()
    /// The `kubernetes:` section as YAML text (read by the Kubernetes executor, which owns its
    /// keys); nil when absent. Its presence makes the daemon run every task as a Kubernetes pod.
    public var kubernetesYAML: String?
    /// Whole-call timeout of the HTTP client: env `FORGEJO_CLIENT_TIMEOUT` (seconds), default 60 s.
    public var clientTimeout: Duration = .seconds(60)

    /// The defaults, with `$HOME`-based directories under `home`.
    public init(home: String = RunnerConfig.homeDirectory(environment: ProcessInfo.processInfo.environment)) {
        cache = Cache(dir: (home as NSString).appendingPathComponent(".cache/actcache"))
        host = Host(workdirParent: (home as NSString).appendingPathComponent(".cache/act"))
    }

    /// `$HOME`, or the user's home directory.
    public static func homeDirectory(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }

    /// `runner.fetch_interval` raised to at least 30 s for codeberg.org, as forgejo-runner does
    /// to protect that public instance.
    public func fetchInterval(forInstance address: String) -> Duration {
        guard let host = try? InstanceAddress(address).host.lowercased(),
              host == "codeberg.org" || host.hasSuffix(".codeberg.org") else { return runner.fetchInterval }
        return max(runner.fetchInterval, .seconds(30))
    }
}
