import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A small Kubernetes REST client over AsyncHTTPClient: CRUD, merge patch, list and watch of
/// untyped objects (`JSONValue`), with retries of 429/5xx and request counters. Call `shutdown()`
/// before dropping it.
public final class KubeClient: Sendable {
    public let configuration: KubeConfiguration
    public let retry: KubeRetryPolicy
    /// The longest a non-watch request may take until its response starts.
    public let requestTimeout: Duration
    let http: HTTPClient
    let logger: Logger
    let tokens: KubeTokenProvider
    let counters = Mutex(KubeClientStatistics())
    private let closed = Atomic<Bool>(false)

    /// Makes a client; fails when the configuration's certificates or key cannot be loaded.
    /// `connectTimeout` bounds each try to reach the server (AsyncHTTPClient keeps re-dialling a
    /// refused connection until then), `requestTimeout` the wait for a response to start.
    public init(configuration: KubeConfiguration, retry: KubeRetryPolicy = .standard,
                requestTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10), logger: Logger) throws {
        self.configuration = configuration
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.tokens = KubeTokenProvider(configuration.token)
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try KubeTLS.configuration(for: configuration),
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout)))
        httpConfiguration.connectionPool.idleTimeout = .seconds(60)
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// True once `shutdown()` was called: loops built on the client (informers) stop.
    public var isShutDown: Bool { closed.load(ordering: .acquiring) }

    /// What this client has sent so far.
    public var statistics: KubeClientStatistics { counters.withLock { $0 } }

    /// Closes the connections. The client must not be used afterwards.
    public func shutdown() async {
        closed.store(true, ordering: .releasing)
        try? await http.shutdown()
    }

    // MARK: Verbs

    /// POST: creates `object` and returns it as stored (name, uid, resourceVersion assigned).
    public func create(_ resource: KubeResource, namespace: String?, _ object: JSONValue) async throws -> JSONValue {
        var body = object
        if body["apiVersion"] == nil { body["apiVersion"] = .string(resource.apiVersion) }
        if body["kind"] == nil { body["kind"] = .string(resource.kind) }
        return try await send(.create, .POST, resource.path(namespace: scoped(resource, namespace), name: nil), body: body)
    }

    /// GET one object.
    public func get(_ resource: KubeResource, namespace: String?, name: String) async throws -> JSONValue {
        try await send(.get, .GET, resource.path(namespace: scoped(resource, namespace), name: name))
    }

    /// GET a collection, in one namespace or (namespace nil) in all of them.
    /// With `resourceVersion`, the server answers from at least that version, or 410 Gone when it
    /// no longer has it.
    public func list(_ resource: KubeResource, namespace: String?, labelSelector: String? = nil,
                     resourceVersion: String? = nil) async throws -> KubeList {
        var query: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        let list = try await send(.list, .GET, resource.path(namespace: resource.namespaced ? namespace : nil, name: nil), query: query)
        return KubeList(items: list["items"]?.arrayValue ?? [],
                        resourceVersion: list[path: "metadata", "resourceVersion"]?.stringValue ?? "")
    }

    /// DELETE; returns false when the object did not exist (404) instead of throwing.
    /// `preconditionUID` makes the delete fail with 409 when the name now belongs to another object.
    @discardableResult
    public func delete(_ resource: KubeResource, namespace: String?, name: String, gracePeriodSeconds: Int? = nil,
                       preconditionUID: String? = nil, propagation: KubePropagationPolicy? = nil) async throws -> Bool {
        var options: JSONValue = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = .number(Double(gracePeriodSeconds)) }
        if let preconditionUID { options["preconditions"] = ["uid": .string(preconditionUID)] }
        if let propagation { options["propagationPolicy"] = .string(propagation.rawValue) }
        do {
            _ = try await send(.delete, .DELETE, resource.path(namespace: scoped(resource, namespace), name: name), body: options)
            return true
        } catch let error as KubeAPIError where error.isNotFound {
            return false
        }
    }

    /// PATCH with an RFC 7386 JSON merge patch (`application/merge-patch+json`).
    public func patch(_ resource: KubeResource, namespace: String?, name: String, mergePatch: JSONValue) async throws -> JSONValue {
        try await send(.patch, .PATCH, resource.path(namespace: scoped(resource, namespace), name: name), body: mergePatch,
                         contentType: "application/merge-patch+json")
    }

    /// PUT: replaces the object. With `metadata.resourceVersion` set, a stale version fails with
    /// a `KubeAPIError` whose `isConflict` is true.
    public func replace(_ resource: KubeResource, namespace: String?, name: String, _ object: JSONValue) async throws -> JSONValue {
        var body = object
        if body["apiVersion"] == nil { body["apiVersion"] = .string(resource.apiVersion) }
        if body["kind"] == nil { body["kind"] = .string(resource.kind) }
        return try await self.send(.update, .PUT, resource.path(namespace: scoped(resource, namespace), name: name), body: body)
    }

    /// The `status` subresource: a merge patch of `/status` (what controllers and kubelets write).
    public func patchStatus(_ resource: KubeResource, namespace: String?, name: String, mergePatch: JSONValue) async throws -> JSONValue {
        try await send(.patch, .PATCH, resource.path(namespace: scoped(resource, namespace), name: name) + "/status",
                         body: mergePatch, contentType: "application/merge-patch+json")
    }

    /// GET a plain path (discovery documents, `/version`).
    public func getRaw(path: String) async throws -> JSONValue {
        try await send(.get, .GET, path)
    }

    private func scoped(_ resource: KubeResource, _ namespace: String?) -> String? {
        resource.namespaced ? (namespace ?? configuration.namespace) : nil
    }

    private func send(_ verb: KubeVerb, _ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                        body: JSONValue? = nil, contentType: String = "application/json") async throws -> JSONValue {
        let request = KubeRequest(verb: verb, method: method, path: path, query: query,
                                  body: body.map { $0.jsonData() }, contentType: contentType)
        let data = try await perform(request)
        if data.isEmpty { return .null }
        return try JSONValue(parsing: data)
    }
}
