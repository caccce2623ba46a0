/// An injected failure: the next `remaining` requests that match get `status` (with a
/// `Retry-After` header when given) instead of being served.
public struct KubeDoubleFault: Sendable, Hashable {
    /// An HTTP method (`GET`, `POST`, …); nil matches any.
    public var method: String?
    /// The path must start with this (`/api/v1/namespaces/default/pods`).
    public var pathPrefix: String
    /// true: only watch requests; false: only non-watch requests; nil: both.
    public var watch: Bool?
    public var status: Int
    public var retryAfterSeconds: Int?
    public var remaining: Int

    public init(method: String? = nil, pathPrefix: String = "/", watch: Bool? = nil, status: Int, retryAfterSeconds: Int? = nil, count: Int = 1) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.watch = watch
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.remaining = count
    }

    func matches(method: String, path: String, isWatch: Bool) -> Bool {
        remaining > 0 && (self.method.map { $0.uppercased() == method } ?? true) && path.hasPrefix(pathPrefix)
            && (watch.map { $0 == isWatch } ?? true)
    }
}
