/// A Kubernetes API verb, as the API server's audit log and metrics name them.
public enum KubeVerb: String, Sendable, Hashable, CaseIterable {
    case get, list, watch, create, update, patch, delete

    /// Whether the verb changes state on the server.
    public var isWrite: Bool {
        switch self {
        case .create, .update, .patch, .delete: return true
        case .get, .list, .watch: return false
        }
    }
}

/// What a `KubeClient` has sent so far: every HTTP request counts, retries included, so the numbers
/// are the load the API server saw (benchmarks report "API writes per job" from these).
public struct KubeClientStatistics: Sendable, Hashable {
    /// HTTP requests sent, retries and watch requests included.
    public var requests = 0
    /// `get` and `list` requests.
    public var reads = 0
    /// `list` requests alone (an informer's re-lists show here).
    public var lists = 0
    /// Write requests by verb (`create`, `update`, `patch`, `delete`).
    public var writes: [KubeVerb: Int] = [:]
    /// Watch requests sent (each one opens a stream when it succeeds).
    public var watchesOpened = 0
    /// Requests that were repeats of a failed one.
    public var retries = 0

    public init() {}

    /// All write requests.
    public var totalWrites: Int { writes.values.reduce(0, +) }

    mutating func record(_ verb: KubeVerb, retry: Bool) {
        requests += 1
        if retry { retries += 1 }
        switch verb {
        case .get: reads += 1
        case .list: reads += 1; lists += 1
        case .watch: watchesOpened += 1
        case .create, .update, .patch, .delete: writes[verb, default: 0] += 1
        }
    }
}
