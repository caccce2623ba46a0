import Kube

/// A resource the double serves, with what discovery says about it.
struct ServedResource: Sendable, Hashable {
    var resource: KubeResource
    var singular: String
    var shortNames: [String]
    var hasStatus: Bool

    /// `pods`, or `leases.coordination.k8s.io`: how the API server names a resource in messages.
    var qualifiedName: String { resource.group.isEmpty ? resource.plural : "\(resource.plural).\(resource.group)" }

    static let all: [ServedResource] = [
        ServedResource(resource: .namespaces, singular: "namespace", shortNames: ["ns"], hasStatus: true),
        ServedResource(resource: .pods, singular: "pod", shortNames: ["po"], hasStatus: true),
        ServedResource(resource: .secrets, singular: "secret", shortNames: [], hasStatus: false),
        ServedResource(resource: .configMaps, singular: "configmap", shortNames: ["cm"], hasStatus: false),
        ServedResource(resource: .events, singular: "event", shortNames: ["ev"], hasStatus: false),
        ServedResource(resource: .leases, singular: "lease", shortNames: [], hasStatus: false),
    ]

    static func find(group: String, version: String, plural: String) -> ServedResource? {
        all.first { $0.resource.group == group && $0.resource.version == version && $0.resource.plural == plural }
    }

    static let namespaces = all[0]
    static let pods = all[1]

    var verbs: [String] {
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    }
}

/// Where an object lives in the store.
struct ObjectKey: Hashable, Sendable, Comparable {
    var resource: String
    var namespace: String
    var name: String

    init(_ resource: ServedResource, namespace: String?, name: String) {
        self.resource = resource.qualifiedName
        self.namespace = resource.resource.namespaced ? (namespace ?? "") : ""
        self.name = name
    }

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.resource, lhs.namespace, lhs.name) < (rhs.resource, rhs.namespace, rhs.name)
    }
}
