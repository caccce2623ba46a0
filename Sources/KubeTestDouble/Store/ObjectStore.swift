import Foundation
import Kube

/// The double's "etcd" and API logic: objects by resource, namespace and name; one global,
/// increasing resourceVersion; a bounded history of changes for watches; the watchers themselves.
actor ObjectStore {
    let options: KubeDoubleOptions
    var objects: [ObjectKey: JSONValue] = [:]
    /// The last resourceVersion handed out.
    var revision = 0
    var history: [HistoryEntry] = []
    /// Changes at or below this revision are no longer in `history`: watches from before it get 410.
    var compactedRevision = 0
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    /// Set when the double stops: a watch opened after that ends at once, so a client that keeps
    /// re-watching cannot hold the server's graceful shutdown open until its watch times out.
    var stopping = false
    var maxConcurrentWatchers = 0
    /// Pending timers (grace periods, deadlines, pod starts), cancelled on shutdown.
    var timers: [Int: Task<Void, Never>] = [:]
    var nextTimerID = 0

    init(options: KubeDoubleOptions) {
        self.options = options
    }

    /// Creates the namespaces that exist from the start.
    func seed() {
        for namespace in options.namespaces { _ = try? createNamespaceObject(namespace) }
    }

    func nextRevision() -> Int {
        revision += 1
        return revision
    }

    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }

    // MARK: Create

    func create(_ resource: ServedResource, namespace: String?, body: JSONValue) throws(APIStatus) -> JSONValue {
        guard var object = body.objectValue.map(JSONValue.object) else {
            throw APIStatus.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
        }
        try checkKind(resource, object)
        let urlNamespace = resource.resource.namespaced ? namespace : nil
        if let urlNamespace {
            if let own = object.objectNamespace, !own.isEmpty, own != urlNamespace {
                throw APIStatus.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            try requireNamespace(urlNamespace)
        }
        var name = object.objectName ?? ""
        if name.isEmpty, let prefix = object[path: "metadata", "generateName"]?.stringValue, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            repeat {
                name = prefix + String((0..<5).map { _ in alphabet.randomElement()! })
            } while objects[ObjectKey(resource, namespace: urlNamespace, name: name)] != nil
        }
        guard !name.isEmpty else {
            throw APIStatus.invalid(resource, "", [("metadata.name", "Required value: name or generateName is required")])
        }
        let problems = Validation.nameProblems(resource, name) + Validation.objectProblems(resource, object)
        guard problems.isEmpty else { throw APIStatus.invalid(resource, name, problems) }
        let key = ObjectKey(resource, namespace: urlNamespace, name: name)
        guard objects[key] == nil else { throw APIStatus.alreadyExists(resource, name) }

        var metadata = object["metadata"]?.objectValue ?? [:]
        metadata["name"] = .string(name)
        if let urlNamespace { metadata["namespace"] = .string(urlNamespace) } else { metadata["namespace"] = nil }
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(Self.timestamp())
        metadata["deletionTimestamp"] = nil
        metadata["deletionGracePeriodSeconds"] = nil
        metadata["generation"] = .number(1)
        metadata["resourceVersion"] = .string(String(nextRevision()))
        object["metadata"] = .object(metadata)
        object["apiVersion"] = .string(resource.resource.apiVersion)
        object["kind"] = .string(resource.resource.kind)
        Defaults.apply(resource, to: &object)

        objects[key] = object
        record(.added, key: key, object: object, previous: nil)
        if resource.resource == .pods, options.autoRunPods { schedulePodStart(key) }
        return object
    }

    /// Creates a namespace (at start-up or when `autoCreateNamespaces` is on).
    @discardableResult
    func createNamespaceObject(_ name: String) throws(APIStatus) -> JSONValue {
        try create(.namespaces, namespace: nil, body: ["metadata": ["name": .string(name)]])
    }

    private func requireNamespace(_ namespace: String) throws(APIStatus) {
        let key = ObjectKey(.namespaces, namespace: nil, name: namespace)
        if let existing = objects[key] {
            if existing[path: "metadata", "deletionTimestamp"] != nil {
                throw APIStatus(403, "Forbidden", "unable to create new content in namespace \(namespace) because it is being terminated")
            }
            return
        }
        if options.autoCreateNamespaces {
            try createNamespaceObject(namespace)
            return
        }
        throw APIStatus(404, "NotFound", "namespaces \"\(namespace)\" not found",
                        details: ["name": .string(namespace), "kind": "namespaces"])
    }

    func checkKind(_ resource: ServedResource, _ object: JSONValue) throws(APIStatus) {
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != resource.resource.kind {
            throw APIStatus.badRequest("the API version in the data (\(object["apiVersion"]?.stringValue ?? "")) does not match the expected API version (\(resource.resource.apiVersion)) or kind \(kind) is not \(resource.resource.kind)")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != resource.resource.apiVersion {
            throw APIStatus.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.resource.apiVersion))")
        }
    }

    // MARK: Read

    func get(_ resource: ServedResource, namespace: String?, name: String) throws(APIStatus) -> JSONValue {
        guard let object = objects[ObjectKey(resource, namespace: namespace, name: name)] else {
            throw APIStatus.notFound(resource, name)
        }
        return object
    }

    /// The matching objects, ordered by namespace and name, and the revision they are current at.
    func select(_ resource: ServedResource, namespace: String?, labels: KubeLabelSelector?, fields: FieldSelector?) -> [JSONValue] {
        let name = resource.qualifiedName
        return objects.keys.filter { $0.resource == name && (namespace == nil || !resource.resource.namespaced || $0.namespace == namespace) }
            .sorted()
            .compactMap { objects[$0] }
            .filter { (labels?.matches($0.objectLabels) ?? true) && (fields?.matches($0) ?? true) }
    }

    func list(_ resource: ServedResource, namespace: String?, labels: KubeLabelSelector?, fields: FieldSelector?,
              resourceVersion: String?) throws(APIStatus) -> JSONValue {
        if let resourceVersion, !resourceVersion.isEmpty, resourceVersion != "0" {
            guard let requested = Int(resourceVersion) else {
                throw APIStatus.badRequest("invalid resource version: \(resourceVersion)")
            }
            if requested < compactedRevision {
                throw APIStatus.expired("The resourceVersion for the provided list is too old.")
            }
        }
        let items: [JSONValue] = select(resource, namespace: namespace, labels: labels, fields: fields).map { item in
            var item = item
            item["kind"] = nil
            item["apiVersion"] = nil
            return item
        }
        return [
            "kind": .string(resource.resource.kind + "List"),
            "apiVersion": .string(resource.resource.apiVersion),
            "metadata": ["resourceVersion": .string(String(revision))],
            "items": .array(items),
        ]
    }

    // MARK: Inspection (Swift API)

    func object(_ resource: ServedResource, namespace: String?, name: String) -> JSONValue? {
        objects[ObjectKey(resource, namespace: namespace, name: name)]
    }

    // MARK: Timers

    /// Runs `body` on the store after `delay` (grace periods, deadlines, kubelet steps).
    func schedule(after delay: Duration, _ body: @escaping @Sendable (isolated ObjectStore) -> Void) {
        nextTimerID += 1
        let id = nextTimerID
        timers[id] = Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            guard !Task.isCancelled else { return }
            self.fire(id, body)
        }
    }

    private func fire(_ id: Int, _ body: @Sendable (isolated ObjectStore) -> Void) {
        guard timers.removeValue(forKey: id) != nil else { return }
        body(self)
    }

    func cancelTimers() {
        for timer in timers.values { timer.cancel() }
        timers = [:]
    }
}
