/// The result of a list: the items and the collection's resourceVersion, from which a watch can
/// continue without missing a change.
public struct KubeList: Sendable, Hashable {
    public var items: [JSONValue]
    public var resourceVersion: String

    public init(items: [JSONValue], resourceVersion: String) {
        self.items = items
        self.resourceVersion = resourceVersion
    }
}

/// What happens to an object's dependents (by `ownerReferences`) when it is deleted.
public enum KubePropagationPolicy: String, Sendable, Hashable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}
