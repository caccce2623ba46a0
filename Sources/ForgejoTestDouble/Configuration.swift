import Foundation

extension ForgejoDouble {
    /// How the double behaves. Every field has a default, so `Configuration()` is a Forgejo 15
    /// server with Forgejo's timer defaults, and tests shorten what they need.
    public struct Configuration: Sendable {
        /// Behave like Gitea instead of Forgejo (§7): every error is `unknown`/HTTP 500 with a
        /// gRPC-style message (`rpc error: code = Unauthenticated desc = unregistered runner`),
        /// `FetchSingleTask` does not exist (404), request keys and `task_capacity` are ignored, the
        /// context has only the `gitea_*` keys and the secrets no `FORGEJO_TOKEN`.
        public var giteaMode: Bool
        /// `ZOMBIE_TASK_TIMEOUT`: a running task without UpdateTask for this long is failed.
        public var zombieTaskTimeout: Duration
        /// `ENDLESS_TASK_TIMEOUT`: a task running longer than this is failed.
        public var endlessTaskTimeout: Duration
        /// `ABANDONED_JOB_TIMEOUT`: a waiting or blocked job never picked for this long is cancelled.
        public var abandonedJobTimeout: Duration
        /// How often the reapers run while the server is started; nil = only `runReapers(now:)`.
        public var reaperInterval: Duration?
        /// `DEFAULT_ACTIONS_URL` put in the context; nil = `https://data.forgejo.org`
        /// (`https://github.com` in Gitea mode).
        public var defaultActionsURL: String?
        /// Forgejo's `ROOT_URL` (the context's `server_url` gets a trailing slash); nil = the base
        /// URL of the running server.
        public var serverURL: String?
        /// The repository every run belongs to, `owner/name`.
        public var repository: String
        /// The user who triggers runs (`actor`, `triggering_actor`, the push payload's pusher).
        public var actor: String
        /// The registration token valid at start; nil = a random 40-hex token.
        public var registrationToken: String?
        /// `forgejo_server_version` in the context (not sent in Gitea mode).
        public var serverVersion: String
        /// Answer `Accept-Encoding: gzip` with gzip bodies ≥ 1024 bytes on RunnerService calls.
        public var compressResponses: Bool
        /// Serve the `/_double/` admin API next to the runner API.
        public var adminAPI: Bool
        /// The largest request body accepted (larger ones get `resource_exhausted`).
        public var maximumRequestBytes: Int

        public init(
            giteaMode: Bool = false,
            zombieTaskTimeout: Duration = .seconds(600),
            endlessTaskTimeout: Duration = .seconds(3 * 3600),
            abandonedJobTimeout: Duration = .seconds(24 * 3600),
            reaperInterval: Duration? = .seconds(30),
            defaultActionsURL: String? = nil,
            serverURL: String? = nil,
            repository: String = "hearth/demo",
            actor: String = "forgejo-double",
            registrationToken: String? = nil,
            serverVersion: String = "15.0.0+forgejo-double",
            compressResponses: Bool = true,
            adminAPI: Bool = true,
            maximumRequestBytes: Int = 64 << 20
        ) {
            self.giteaMode = giteaMode
            self.zombieTaskTimeout = zombieTaskTimeout
            self.endlessTaskTimeout = endlessTaskTimeout
            self.abandonedJobTimeout = abandonedJobTimeout
            self.reaperInterval = reaperInterval
            self.defaultActionsURL = defaultActionsURL
            self.serverURL = serverURL
            self.repository = repository
            self.actor = actor
            self.registrationToken = registrationToken
            self.serverVersion = serverVersion
            self.compressResponses = compressResponses
            self.adminAPI = adminAPI
            self.maximumRequestBytes = maximumRequestBytes
        }

        /// The default actions URL in effect.
        var effectiveDefaultActionsURL: String {
            defaultActionsURL ?? (giteaMode ? "https://github.com" : "https://data.forgejo.org")
        }
    }
}
