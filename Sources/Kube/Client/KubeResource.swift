/// A kind of Kubernetes object and where its REST endpoints are: the API group and version, the
/// plural name in the URL, the `kind`, and whether objects live in namespaces.
public struct KubeResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group, "" for the core group (`/api/v1`).
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    public static let pods = KubeResource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let secrets = KubeResource(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMaps = KubeResource(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let events = KubeResource(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let namespaces = KubeResource(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let leases = KubeResource(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)

    /// `v1` for the core group, `group/version` otherwise: the objects' `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/GROUP/VERSION`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection or object path: `/api/v1/namespaces/NS/pods/NAME`. A nil namespace on a
    /// namespaced resource addresses all namespaces (list and watch only).
    public func path(namespace: String?, name: String?) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(plural)"
        if let name { path += "/\(name)" }
        return path
    }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}
