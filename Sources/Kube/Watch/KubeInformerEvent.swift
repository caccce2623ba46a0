/// What an informer tells its handlers: a change to the cached objects, or that the cache now
/// matches a complete list (after the first list and after every re-list).
public enum KubeInformerEvent: Sendable, Hashable {
    case added(JSONValue)
    case modified(JSONValue)
    case deleted(JSONValue)
    case synced
}

/// Names a handler registered with `KubeInformer.addHandler`, to remove it again.
public struct KubeInformerHandlerID: Sendable, Hashable {
    let value: Int
}
