import Kube

/// Reading and seeding the double's objects from Swift (no HTTP, not counted as requests).
extension KubeDouble {
    /// The stored object, or nil.
    public func object(_ resource: KubeResource, namespace: String?, name: String) async -> JSONValue? {
        guard let served = Self.served(resource) else { return nil }
        return await store.object(served, namespace: namespace, name: name)
    }

    /// The stored objects of a resource (in one namespace, or all), ordered by namespace and name.
    public func objects(_ resource: KubeResource, namespace: String? = nil) async -> [JSONValue] {
        guard let served = Self.served(resource) else { return [] }
        return await store.select(served, namespace: namespace, labels: nil, fields: nil)
    }

    /// Creates an object as a POST would (validation, defaults, watch event, kubelet).
    @discardableResult
    public func create(_ resource: KubeResource, namespace: String?, _ object: JSONValue) async throws -> JSONValue {
        guard let served = Self.served(resource) else { throw KubeDoubleError("\(resource) is not served by the double") }
        do {
            return try await store.create(served, namespace: namespace, body: object)
        } catch {
            throw KubeAPIError(status: error.json, statusCode: error.code)
        }
    }

    /// The last resourceVersion handed out.
    public var resourceVersion: Int { get async { await store.revision } }

    static func served(_ resource: KubeResource) -> ServedResource? {
        ServedResource.all.first { $0.resource == resource }
    }
}
