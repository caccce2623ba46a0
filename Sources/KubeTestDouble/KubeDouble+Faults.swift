import Kube

/// Faults and counters for tests.
extension KubeDouble {
    /// Fails the next `count` requests that match with `status` (and a `Retry-After`).
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "/", watch: Bool? = nil,
                         status: Int, retryAfterSeconds: Int? = nil) {
        inject(KubeDoubleFault(method: method, pathPrefix: pathPrefix, watch: watch, status: status,
                               retryAfterSeconds: retryAfterSeconds, count: count))
    }

    public func inject(_ fault: KubeDoubleFault) {
        monitor.state.withLock { $0.faults.append(fault) }
    }

    /// Removes the faults not yet used up.
    public func clearFaults() {
        monitor.state.withLock { $0.faults = [] }
    }

    /// Ends every open watch stream (as an API server restart or a load balancer would).
    public func closeAllWatches() async {
        await store.closeAllWatches()
    }

    /// Forgets the change history: watches and lists from an older resourceVersion get 410.
    public func compact() async {
        await store.compact()
    }

    /// Requests received (faulted ones included), by Kubernetes verb and resource (`pods`,
    /// `leases.coordination.k8s.io`); nil matches any. Discovery and admin requests are not counted.
    public func requestCount(verb: KubeVerb? = nil, resource: String? = nil) -> Int {
        monitor.count(verb: verb, resource: resource)
    }

    /// Watch streams open now.
    public var openWatches: Int { get async { await store.openWatchCount } }

    /// The most watch streams that were open at once since the start (or the last reset).
    public var maxConcurrentWatches: Int { get async { await store.maxConcurrentWatchers } }

    public func resetMaxConcurrentWatches() async { await store.resetWatchHighWater() }

    /// The `Authorization` header of every API request so far ("" when absent), oldest first.
    public var recordedAuthorizations: [String] { monitor.state.withLock { $0.authorizations } }

    /// Requires `Authorization: Bearer <token>` on every API request from now on (nil: none).
    public func requireBearerToken(_ token: String?) {
        monitor.state.withLock { $0.requiredToken = token }
    }
}
