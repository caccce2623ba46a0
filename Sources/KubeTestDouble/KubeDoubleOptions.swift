/// How a `KubeDouble` behaves.
public struct KubeDoubleOptions: Sendable {
    /// Move every created pod from Pending to Running (with ready container statuses), as a
    /// scheduler and kubelet would, after `podStartDelay`.
    public var autoRunPods = false
    public var podStartDelay: Duration = .zero
    /// Delete pods gracefully: set `deletionTimestamp` and remove them when the grace period
    /// (`gracePeriodSeconds`, else the pod's `terminationGracePeriodSeconds`) ends. Off: at once.
    public var honourGracePeriod = false
    /// Create a missing namespace on the first object created in it (off: 404 NotFound).
    public var autoCreateNamespaces = false
    /// Changes kept for watches; a watch from before the oldest kept change gets 410 Expired.
    public var historyLimit = 1000
    /// How often open watches that allow bookmarks get a BOOKMARK (nil: never).
    public var bookmarkInterval: Duration? = .seconds(60)
    /// When set, every API request must carry `Authorization: Bearer <token>` (401 otherwise).
    public var bearerToken: String?
    /// Namespaces that exist from the start.
    public var namespaces = ["default", "kube-system", "kube-public"]
    /// Serve the fault and inspection API under `/_double/`.
    public var adminAPI = true
    /// What the kubelet puts into `spec.nodeName` and the pod IPs.
    public var nodeName = "kube-double-node"
    public var podIP = "127.0.0.1"

    public init() {}
}
