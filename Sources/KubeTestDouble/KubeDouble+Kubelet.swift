import Kube

/// Playing the kubelet from a test: start pods, set container states and phases.
extension KubeDouble {
    /// Moves a Pending pod to Running with ready containers (what `autoRunPods` does by itself).
    @discardableResult
    public func runPod(namespace: String, name: String) async throws -> JSONValue {
        guard let pod = await store.startPod(ObjectKey(.pods, namespace: namespace, name: name)) else {
            throw KubeAPIError(statusCode: 404, reason: "NotFound", message: "pods \"\(name)\" not found")
        }
        return pod
    }

    /// Sets one container's state (a terminated exit code, a waiting reason such as
    /// `ImagePullBackOff`, or running). With restartPolicy Never the phase follows the containers.
    @discardableResult
    public func setContainerState(namespace: String, pod: String, container: String, _ state: KubeDoubleContainerState) async throws -> JSONValue {
        guard let updated = await store.setContainerState(ObjectKey(.pods, namespace: namespace, name: pod), container: container, state: state) else {
            throw KubeAPIError(statusCode: 404, reason: "NotFound", message: "pods \"\(pod)\" not found")
        }
        return updated
    }

    /// Sets the pod's phase (and optionally its reason and message).
    @discardableResult
    public func setPodPhase(namespace: String, name: String, phase: String, reason: String? = nil, message: String? = nil) async throws -> JSONValue {
        try await updatePodStatus(namespace: namespace, name: name) { status in
            status["phase"] = .string(phase)
            status["reason"] = reason.map { .string($0) }
            status["message"] = message.map { .string($0) }
        }
    }

    /// Changes the pod's `status` freely; a real change bumps the resourceVersion and sends MODIFIED.
    @discardableResult
    public func updatePodStatus(namespace: String, name: String, _ change: @Sendable (inout JSONValue) -> Void) async throws -> JSONValue {
        let key = ObjectKey(.pods, namespace: namespace, name: name)
        guard let updated = await store.mutate(key, { pod in
            var status = pod["status"] ?? [:]
            change(&status)
            pod["status"] = status
        }) else {
            throw KubeAPIError(statusCode: 404, reason: "NotFound", message: "pods \"\(name)\" not found")
        }
        return updated
    }
}
