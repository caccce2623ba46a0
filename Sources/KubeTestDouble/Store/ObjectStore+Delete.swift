import Foundation
import Kube

/// DeleteOptions from the query and the body.
struct DeleteOptions: Sendable {
    var gracePeriodSeconds: Int?
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var propagation: KubePropagationPolicy?
}

extension ObjectStore {
    /// DELETE. Preconditions that do not hold fail with 409. A pod is removed at once unless
    /// `honourGracePeriod` is on and its grace period is positive: then it gets a
    /// deletionTimestamp and goes when the grace period ends. An object with finalizers waits
    /// for them. Dependents (by ownerReferences) are deleted too, or orphaned on request.
    func delete(_ resource: ServedResource, namespace: String?, name: String, options deleteOptions: DeleteOptions) throws(APIStatus) -> JSONValue {
        let key = ObjectKey(resource, namespace: namespace, name: name)
        guard let stored = objects[key] else { throw APIStatus.notFound(resource, name) }
        if let uid = deleteOptions.preconditionUID, uid != stored.objectUID {
            throw APIStatus.conflict(resource, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(stored.objectUID ?? "")")
        }
        if let version = deleteOptions.preconditionResourceVersion, version != stored.objectResourceVersion {
            throw APIStatus.conflict(resource, name, "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(stored.objectResourceVersion ?? "")")
        }
        let propagation = deleteOptions.propagation ?? .background
        let finalizers = stored[path: "metadata", "finalizers"]?.arrayValue ?? []
        var grace = 0
        if resource.resource == .pods, options.honourGracePeriod {
            grace = deleteOptions.gracePeriodSeconds ?? stored[path: "spec", "terminationGracePeriodSeconds"]?.intValue ?? 30
            // A pod that never ran (no node) goes at once, as the real API server deletes unscheduled pods.
            if stored[path: "spec", "nodeName"] == nil { grace = 0 }
        }
        if stored[path: "metadata", "deletionTimestamp"] != nil {
            if grace == 0 && finalizers.isEmpty { return remove(key, resource: resource, propagation: propagation) ?? stored }
            return stored
        }
        if !finalizers.isEmpty || grace > 0 {
            let marked = mutate(key) { object in
                object["metadata"]?["deletionTimestamp"] = .string(Self.timestamp(Date().addingTimeInterval(Double(grace))))
                object["metadata"]?["deletionGracePeriodSeconds"] = .number(Double(grace))
            } ?? stored
            if finalizers.isEmpty {
                let uid = stored.objectUID
                schedule(after: .seconds(grace)) { store in
                    guard store.objects[key]?.objectUID == uid else { return }
                    store.remove(key, resource: resource, propagation: propagation)
                }
            }
            return marked
        }
        return remove(key, resource: resource, propagation: propagation) ?? stored
    }

    /// Removes an object now: a DELETED event at a new revision, then its dependents (and, for a
    /// namespace, everything in it).
    @discardableResult
    func remove(_ key: ObjectKey, resource: ServedResource, propagation: KubePropagationPolicy) -> JSONValue? {
        guard var object = objects.removeValue(forKey: key) else { return nil }
        object["metadata"]?["resourceVersion"] = .string(String(nextRevision()))
        record(.deleted, key: key, object: object, previous: object)
        if resource.resource == .namespaces {
            for contained in objects.keys.filter({ $0.namespace == key.name }).sorted() {
                if let served = ServedResource.all.first(where: { $0.qualifiedName == contained.resource }) {
                    remove(contained, resource: served, propagation: .background)
                }
            }
        }
        if let uid = object.objectUID { collectDependents(of: uid, namespace: key.namespace, propagation: propagation) }
        return object
    }

    /// The garbage collector: objects whose ownerReferences name `uid` are deleted (or, with
    /// the Orphan policy, lose that reference). Cluster-scoped owners own across namespaces.
    func collectDependents(of uid: String, namespace: String, propagation: KubePropagationPolicy) {
        let dependents = objects.filter { key, object in
            (namespace.isEmpty || key.namespace == namespace)
                && (object[path: "metadata", "ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
        }.keys.sorted()
        for key in dependents {
            guard let served = ServedResource.all.first(where: { $0.qualifiedName == key.resource }) else { continue }
            if propagation == .orphan {
                mutate(key) { object in
                    let kept = (object[path: "metadata", "ownerReferences"]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
                    object["metadata"]?["ownerReferences"] = kept.isEmpty ? nil : .array(kept)
                }
            } else {
                remove(key, resource: served, propagation: .background)
            }
        }
    }
}
