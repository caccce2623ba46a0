import Foundation
import HTTPTypes
import Hummingbird
import Kube
import NIOCore

/// Serves the Kubernetes API subset: discovery, CRUD, watch; applies the token check and the
/// injected faults, and counts requests. `/_double/` is the admin API.
struct KubeDoubleResponder: HTTPResponder {
    typealias Context = KubeRequestContext

    let store: ObjectStore
    let monitor: RequestMonitor
    let options: KubeDoubleOptions
    let address: @Sendable () -> String

    static let maximumBodyBytes = 16 * 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let query = QueryParameters(request.uri.query)
        if options.adminAPI && path.hasPrefix("/_double/") {
            return await AdminAPI(store: store, monitor: monitor).respond(request, path: path)
        }
        let authorization = request.headers[.authorization]
        monitor.recordAuthorization(authorization)
        if let required = monitor.state.withLock({ $0.requiredToken }), authorization != "Bearer \(required)" {
            return Self.status(APIStatus(401, "Unauthorized", "Unauthorized"))
        }
        switch APIPath(path) {
        case .unknown:
            return Self.status(APIStatus(404, "NotFound", "the server could not find the requested resource"))
        case .discovery(let documentPath):
            guard request.method == .get, let document = Discovery.document(documentPath, serverAddress: address()) else {
                return Self.status(APIStatus(404, "NotFound", "the server could not find the requested resource"))
            }
            return Self.json(200, document)
        case .resource(let target):
            return try await serve(request, target: target, query: query, context: context)
        }
    }

    private func serve(_ request: Request, target: APIPath.ResourcePath, query: QueryParameters, context: Context) async throws -> Response {
        let isWatch = request.method == .get && target.name == nil && (target.legacyWatch || query.flag("watch"))
        let verb: KubeVerb
        switch request.method {
        case .get: verb = target.name == nil ? (isWatch ? .watch : .list) : .get
        case .post: verb = .create
        case .put: verb = .update
        case .patch: verb = .patch
        case .delete: verb = .delete
        default:
            return Self.status(APIStatus(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"))
        }
        monitor.count(verb: verb, resource: target.resource.qualifiedName)
        if let fault = monitor.takeFault(method: request.method.rawValue, path: request.uri.path, isWatch: isWatch) {
            var status = APIStatus(fault.status, KubeAPIErrorReason.reason(fault.status), "injected fault: \(fault.status)")
            if let seconds = fault.retryAfterSeconds {
                status.details = ["retryAfterSeconds": .number(Double(seconds))]
            }
            var response = Self.status(status)
            if let seconds = fault.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
        do {
            return try await dispatch(request, verb: verb, target: target, query: query, context: context)
        } catch let status as APIStatus {
            return Self.status(status)
        }
    }

    private func dispatch(_ request: Request, verb: KubeVerb, target: APIPath.ResourcePath, query: QueryParameters,
                          context: Context) async throws -> Response {
        let resource = target.resource
        let namespace = resource.resource.namespaced ? target.namespace : nil
        if resource.resource.namespaced, namespace == nil, target.name != nil || verb == .create {
            throw APIStatus(404, "NotFound", "the server could not find the requested resource")
        }
        let statusOnly = target.subresource == "status"
        if let subresource = target.subresource, subresource != "status" {
            throw APIStatus(404, "NotFound", "the server could not find the requested resource (\(subresource) is not served by the Kubernetes double)")
        }
        switch verb {
        case .get:
            return Self.json(200, try await store.get(resource, namespace: namespace, name: target.name!))
        case .list:
            let labels = try Self.labelSelector(query)
            let fields = try Self.fieldSelector(query)
            return Self.json(200, try await store.list(resource, namespace: namespace, labels: labels, fields: fields,
                                                      resourceVersion: query["resourceVersion"]))
        case .watch:
            return try await watch(resource, namespace: namespace, query: query, context: context)
        case .create:
            let body = try await Self.body(request)
            return Self.json(201, try await store.create(resource, namespace: namespace, body: body))
        case .update:
            let body = try await Self.body(request)
            return Self.json(200, try await store.update(resource, namespace: namespace, name: target.name!, body: body, statusOnly: statusOnly))
        case .patch:
            let contentType = (request.headers[.contentType] ?? "").lowercased()
            guard contentType.hasPrefix("application/merge-patch+json") || contentType.hasPrefix("application/strategic-merge-patch+json") else {
                throw APIStatus(415, "UnsupportedMediaType",
                                "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (the Kubernetes double does not implement \(contentType))")
            }
            let body = try await Self.body(request)
            return Self.json(200, try await store.patch(resource, namespace: namespace, name: target.name!, patch: body, statusOnly: statusOnly))
        case .delete:
            let options = try await Self.deleteOptions(request, query: query)
            if let name = target.name {
                return Self.json(200, try await store.delete(resource, namespace: namespace, name: name, options: options))
            }
            let labels = try Self.labelSelector(query)
            let fields = try Self.fieldSelector(query)
            var deleted: [JSONValue] = []
            for object in await store.select(resource, namespace: namespace, labels: labels, fields: fields) {
                if let name = object.objectName,
                   let gone = try? await store.delete(resource, namespace: object.objectNamespace, name: name, options: options) {
                    deleted.append(gone)
                }
            }
            return Self.json(200, ["kind": .string(resource.resource.kind + "List"), "apiVersion": .string(resource.resource.apiVersion),
                                   "metadata": [:], "items": .array(deleted)])
        }
    }

    // MARK: Watch

    private func watch(_ resource: ServedResource, namespace: String?, query: QueryParameters, context: Context) async throws -> Response {
        let labels = try Self.labelSelector(query)
        let fields = try Self.fieldSelector(query)
        let opening = try await store.openWatch(resource, namespace: namespace, labels: labels, fields: fields,
                                                resourceVersion: query["resourceVersion"], bookmarks: query.flag("allowWatchBookmarks"))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache, private"
        switch opening {
        case .expired(_, let events):
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: events.map { ByteBuffer(bytes: $0) }))
        case .stream(let id, let events):
            let store = self.store
            let bookmarkInterval = options.bookmarkInterval
            let timeout = query.int("timeoutSeconds").map { Duration.seconds($0) }
            context.channel.closeFuture.whenComplete { _ in Task { await store.closeWatch(id) } }
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                let timers = Task {
                    await withTaskGroup(of: Void.self) { group in
                        if let bookmarkInterval {
                            group.addTask {
                                while !Task.isCancelled {
                                    try? await Task.sleep(for: bookmarkInterval)
                                    if Task.isCancelled { break }
                                    await store.bookmark(id)
                                }
                            }
                        }
                        if let timeout {
                            group.addTask {
                                try? await Task.sleep(for: timeout)
                                if !Task.isCancelled { await store.closeWatch(id) }
                            }
                        }
                    }
                }
                do {
                    for await line in events { try await writer.write(ByteBuffer(bytes: line)) }
                } catch {
                    // The client went away; the watch is closed below.
                }
                timers.cancel()
                await store.closeWatch(id)
                try await writer.finish(nil)
            })
        }
    }

    // MARK: Helpers

    static func labelSelector(_ query: QueryParameters) throws(APIStatus) -> KubeLabelSelector? {
        guard let text = query["labelSelector"], !text.isEmpty else { return nil }
        do {
            return try KubeLabelSelector(parsing: text)
        } catch {
            throw APIStatus.badRequest(error.description)
        }
    }

    static func fieldSelector(_ query: QueryParameters) throws(APIStatus) -> FieldSelector? {
        guard let text = query["fieldSelector"], !text.isEmpty else { return nil }
        return try FieldSelector(parsing: text)
    }

    static func body(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: maximumBodyBytes)
        let contentType = (request.headers[.contentType] ?? "application/json").lowercased()
        if contentType.contains("yaml") || contentType.contains("protobuf") {
            throw APIStatus(415, "UnsupportedMediaType", "the Kubernetes double accepts JSON bodies only, not \(contentType)")
        }
        do {
            return try JSONValue(parsing: Data(buffer.readableBytesView))
        } catch {
            throw APIStatus.badRequest("the body of the request is not valid JSON: \(error)")
        }
    }

    static func deleteOptions(_ request: Request, query: QueryParameters) async throws -> DeleteOptions {
        var options = DeleteOptions()
        var request = request
        let buffer = try await request.collectBody(upTo: maximumBodyBytes)
        if buffer.readableBytes > 0 {
            guard let body = try? JSONValue(parsing: Data(buffer.readableBytesView)) else {
                throw APIStatus.badRequest("the DeleteOptions body is not valid JSON")
            }
            options.gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
            options.preconditionUID = body[path: "preconditions", "uid"]?.stringValue
            options.preconditionResourceVersion = body[path: "preconditions", "resourceVersion"]?.stringValue
            options.propagation = body["propagationPolicy"]?.stringValue.flatMap(KubePropagationPolicy.init(rawValue:))
            if body["orphanDependents"]?.boolValue == true { options.propagation = .orphan }
        }
        if let grace = query.int("gracePeriodSeconds") { options.gracePeriodSeconds = grace }
        if let policy = query["propagationPolicy"].flatMap(KubePropagationPolicy.init(rawValue:)) { options.propagation = policy }
        if query["orphanDependents"] == "true" { options.propagation = .orphan }
        return options
    }

    static func json(_ code: Int, _ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonData())))
    }

    static func status(_ status: APIStatus) -> Response {
        json(status.code, status.json)
    }
}

/// The reason the API server gives with each status code.
enum KubeAPIErrorReason {
    static func reason(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
