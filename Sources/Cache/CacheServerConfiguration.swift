/// Settings of a ``CacheServer``.
///
/// The forgejo-runner `cache.*` keys map onto it: `cache.dir` → ``directory``,
/// `cache.host` → ``advertisedHost``, `cache.port` → the port given to
/// ``CacheServer/start(host:port:)``, `cache.secret` → ``secret``, and
/// `cache.actions_cache_url_override` (or `cache.external_server`) → ``externalURL``.
public struct CacheServerConfiguration: Sendable {
    /// Where entries, uploads in progress and the index live (created if missing).
    public var directory: String
    /// The most bytes committed entries may take; least recently used entries are evicted beyond it.
    public var maximumSize: Int64
    /// The largest single entry accepted (defaults to ``maximumSize``).
    public var maximumEntrySize: Int64?
    /// The host or IP address jobs use to reach this server (`cache.host`). Never auto-detected:
    /// nil means the bind host when it is a specific address, else `127.0.0.1`. IPv6 literals may
    /// be given with or without brackets.
    public var advertisedHost: String?
    /// The port jobs connect to, when it differs from the bound one (a port mapping); nil: bound port.
    public var advertisedPort: Int?
    /// A base URL jobs reach this server at (a reverse proxy or `cache.actions_cache_url_override`);
    /// overrides ``advertisedHost`` and ``advertisedPort``. A trailing `/` is optional.
    public var externalURL: String?
    /// The HMAC key for tokens (`cache.secret`); nil or empty: a random key for this process, so
    /// tokens do not survive a restart.
    public var secret: String?
    /// How long tokens issued by ``CacheServer/issueToken(repository:ref:)`` stay valid.
    public var tokenLifetime: Duration
    /// How long an idle connection (or a stalled upload) is kept open.
    public var idleTimeout: Duration
    /// Uploads that see no chunk for this long are discarded.
    public var reservationTimeout: Duration
    /// How long ``CacheServer/stop()`` lets uploads and downloads in progress finish.
    public var shutdownGracePeriod: Duration
    /// Whether a committed entry is flushed to disk (`fsync`) before it becomes visible, so a
    /// power loss can never expose a half-written entry.
    public var synchronousCommit: Bool

    /// Settings with the given storage `directory` and defaults for the rest: a 10 GiB cap, tokens
    /// valid for 24 h, 30 s idle timeout, 15 min before an abandoned upload is discarded, 10 s
    /// for transfers to finish when stopping.
    public init(
        directory: String,
        maximumSize: Int64 = 10 << 30,
        maximumEntrySize: Int64? = nil,
        advertisedHost: String? = nil,
        advertisedPort: Int? = nil,
        externalURL: String? = nil,
        secret: String? = nil,
        tokenLifetime: Duration = .seconds(24 * 3600),
        idleTimeout: Duration = .seconds(30),
        reservationTimeout: Duration = .seconds(15 * 60),
        shutdownGracePeriod: Duration = .seconds(10),
        synchronousCommit: Bool = true
    ) {
        self.directory = directory
        self.maximumSize = maximumSize
        self.maximumEntrySize = maximumEntrySize
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
        self.externalURL = externalURL
        self.secret = secret
        self.tokenLifetime = tokenLifetime
        self.idleTimeout = idleTimeout
        self.reservationTimeout = reservationTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.synchronousCommit = synchronousCommit
    }

    /// The effective per-entry limit.
    var entrySizeLimit: Int64 { min(maximumEntrySize ?? maximumSize, maximumSize) }
}
