import Foundation
import Kube

extension ObjectStore {
    /// PUT. A non-empty `metadata.resourceVersion` that is not the stored one fails with 409
    /// Conflict. On the `status` subresource only `status` changes; on the object itself a
    /// resource with a status keeps the stored one. An update that changes nothing keeps the
    /// resourceVersion and sends no event.
    func update(_ resource: ServedResource, namespace: String?, name: String, body: JSONValue,
                statusOnly: Bool) throws(APIStatus) -> JSONValue {
        guard body.objectValue != nil else { throw APIStatus.badRequest("the body of the request was in an unknown format") }
        try checkKind(resource, body)
        if let bodyName = body.objectName, bodyName != name {
            throw APIStatus.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let key = ObjectKey(resource, namespace: namespace, name: name)
        guard let stored = objects[key] else { throw APIStatus.notFound(resource, name) }
        if let version = body.objectResourceVersion, !version.isEmpty, version != stored.objectResourceVersion {
            throw APIStatus.conflict(resource, name, "the object has been modified; please apply your changes to the latest version and try again")
        }
        var next: JSONValue
        if statusOnly {
            next = stored
            next["status"] = body["status"]
        } else {
            next = body
            if resource.hasStatus { next["status"] = stored["status"] }
        }
        return try commit(resource, key: key, stored: stored, next: next)
    }

    /// PATCH with a JSON merge patch (strategic merge patches are applied the same way). A
    /// `metadata.resourceVersion` in the patch is a precondition, as on the real server.
    func patch(_ resource: ServedResource, namespace: String?, name: String, patch: JSONValue,
               statusOnly: Bool) throws(APIStatus) -> JSONValue {
        guard patch.objectValue != nil else { throw APIStatus.badRequest("the patch must be a JSON object") }
        let key = ObjectKey(resource, namespace: namespace, name: name)
        guard let stored = objects[key] else { throw APIStatus.notFound(resource, name) }
        if let version = patch.objectResourceVersion, !version.isEmpty, version != stored.objectResourceVersion {
            throw APIStatus.conflict(resource, name, "the object has been modified; please apply your changes to the latest version and try again")
        }
        var next: JSONValue
        if statusOnly {
            next = stored
            if let status = patch["status"] { next["status"] = (stored["status"] ?? [:]).merging(patch: status) }
        } else {
            next = stored.merging(patch: patch)
            if resource.hasStatus { next["status"] = stored["status"] }
        }
        return try commit(resource, key: key, stored: stored, next: next)
    }

    /// Applies an update after the checks: identity fields are kept, the result is validated,
    /// and the revision is bumped only when something changed.
    func commit(_ resource: ServedResource, key: ObjectKey, stored: JSONValue, next proposed: JSONValue) throws(APIStatus) -> JSONValue {
        var next = proposed
        var metadata = next["metadata"]?.objectValue ?? [:]
        let old = stored["metadata"]?.objectValue ?? [:]
        for field in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            metadata[field] = old[field]
        }
        metadata["resourceVersion"] = old["resourceVersion"]
        next["metadata"] = .object(metadata)
        next["apiVersion"] = .string(resource.resource.apiVersion)
        next["kind"] = .string(resource.resource.kind)
        if resource.resource == .secrets { Defaults.foldStringData(&next) }
        let problems = Validation.objectProblems(resource, next)
        guard problems.isEmpty else { throw APIStatus.invalid(resource, key.name, problems) }
        if next == stored { return stored }
        if next["spec"] != stored["spec"], let generation = old["generation"]?.intValue {
            next["metadata"]?["generation"] = .number(Double(generation + 1))
        }
        next["metadata"]?["resourceVersion"] = .string(String(nextRevision()))
        // An object waiting for its finalizers goes once the last one is removed.
        if next[path: "metadata", "deletionTimestamp"] != nil, (next[path: "metadata", "finalizers"]?.arrayValue ?? []).isEmpty {
            objects[key] = next
            record(.modified, key: key, object: next, previous: stored)
            remove(key, resource: resource, propagation: .background)
            return next
        }
        objects[key] = next
        record(.modified, key: key, object: next, previous: stored)
        return next
    }

    /// Changes a stored object in place (the kubelet's status updates and the Swift API).
    @discardableResult
    func mutate(_ key: ObjectKey, _ change: (inout JSONValue) -> Void) -> JSONValue? {
        guard let stored = objects[key] else { return nil }
        var next = stored
        change(&next)
        guard next != stored else { return stored }
        next["metadata"]?["resourceVersion"] = .string(String(nextRevision()))
        objects[key] = next
        record(.modified, key: key, object: next, previous: stored)
        return next
    }
}
