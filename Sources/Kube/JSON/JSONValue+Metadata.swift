/// Shortcuts to the `metadata` fields every Kubernetes object has.
extension JSONValue {
    /// `metadata.name`.
    public var objectName: String? { self[path: "metadata", "name"]?.stringValue }
    /// `metadata.namespace`.
    public var objectNamespace: String? { self[path: "metadata", "namespace"]?.stringValue }
    /// `metadata.uid`.
    public var objectUID: String? { self[path: "metadata", "uid"]?.stringValue }
    /// `metadata.resourceVersion`.
    public var objectResourceVersion: String? { self[path: "metadata", "resourceVersion"]?.stringValue }
    /// `metadata.labels` as strings (non-string values are left out).
    public var objectLabels: [String: String] {
        guard let members = self[path: "metadata", "labels"]?.objectValue else { return [:] }
        return members.compactMapValues(\.stringValue)
    }
}
