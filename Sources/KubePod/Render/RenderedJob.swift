import Foundation
import Kube

/// The Kubernetes objects of one job: the Pod, the values of its Secret and, when the job's
/// containers have `credentials:`, an image pull Secret.
///
/// The controller creates the Pod first, then (with the Pod's uid) the pull Secret from
/// ``pullSecret(ownedBy:)`` and the token Secret from ``secret(ownedBy:)``. The kubelet mounts
/// the token Secret before it pulls images or starts containers, so both exist in time, and both
/// are owned by the Pod: deleting the Pod removes them.
public struct RenderedJob: Sendable {
    /// The Pod.
    public var pod: JSONValue
    /// The token Secret's keys and values: ``PodLayout/tokenKey`` and every container
    /// environment value (keys `<container>.<NAME>`).
    public var secretData: [String: String]
    /// A `kubernetes.io/dockerconfigjson` Secret (without owner yet) when `credentials:` are given.
    public var pullSecret: JSONValue?
    /// Things the job's author should know that did not stop the pod from being made (shown in the
    /// job's log), e.g. a service name that cannot be a host name.
    public var warnings: [String]

    public init(pod: JSONValue, secretData: [String: String], pullSecret: JSONValue?, warnings: [String] = []) {
        self.pod = pod
        self.secretData = secretData
        self.pullSecret = pullSecret
        self.warnings = warnings
    }

    /// The Pod's name and namespace.
    public var podName: String { pod[path: "metadata", "name"]?.stringValue ?? "" }
    public var namespace: String { pod[path: "metadata", "namespace"]?.stringValue ?? "" }

    /// The token Secret, owned by the Pod with uid `podUID`.
    public func secret(ownedBy podUID: String) -> JSONValue {
        var data: [String: JSONValue] = [:]
        for (key, value) in secretData { data[key] = .string(Data(value.utf8).base64EncodedString()) }
        return secretObject(name: podName, type: "Opaque", data: .object(data), ownerUID: podUID)
    }

    /// The pull Secret owned by the Pod with uid `podUID`, when there is one.
    public func pullSecret(ownedBy podUID: String) -> JSONValue? {
        guard var secret = pullSecret else { return nil }
        secret["metadata"]?["ownerReferences"] = ownerReferences(podUID)
        return secret
    }

    /// The objects as the controller creates them, for review (`hearth kube render`). The owner
    /// uid is a placeholder; `redacted` replaces every Secret value with `<redacted>`.
    public func objects(redacted: Bool) -> [JSONValue] {
        let uid = "<pod-uid>"
        var objects: [JSONValue] = []
        if var pull = pullSecret(ownedBy: uid) {
            if redacted {
                pull["data"] = JSONValue?.none
                pull["stringData"] = [".dockerconfigjson": "<redacted>"]
            }
            objects.append(pull)
        }
        objects.append(pod)
        var secret = secret(ownedBy: uid)
        if redacted {
            secret["data"] = JSONValue?.none
            secret["stringData"] = .object(Dictionary(uniqueKeysWithValues: secretData.keys.map { ($0, "<redacted>") }))
        }
        objects.append(secret)
        return objects
    }

    private func secretObject(name: String, type: String, data: JSONValue, ownerUID: String) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace), "ownerReferences": ownerReferences(ownerUID)]
        if let labels = pod[path: "metadata", "labels"]?.objectValue {
            // Only Hearth's own labels, so that a sweep finds the Secret like the Pod.
            metadata["labels"] = .object(labels.filter { PodLayout.ownLabels.contains($0.key) })
        }
        return ["apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": .string(type), "data": data]
    }

    func ownerReferences(_ podUID: String) -> JSONValue {
        [["apiVersion": "v1", "kind": "Pod", "name": .string(podName), "uid": .string(podUID), "controller": true, "blockOwnerDeletion": true]]
    }
}

extension PodLayout {
    static let ownLabels: Set = [nameLabel, managedByLabel, runnerLabel, taskLabel]
}
