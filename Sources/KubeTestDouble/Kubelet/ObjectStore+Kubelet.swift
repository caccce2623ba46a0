import Foundation
import Kube

/// A minimal kubelet: starts pods (Pending → Running with container statuses), applies container
/// states given through the Swift API, and enforces `activeDeadlineSeconds`.
extension ObjectStore {
    func schedulePodStart(_ key: ObjectKey) {
        let uid = objects[key]?.objectUID
        schedule(after: options.podStartDelay) { store in
            guard store.objects[key]?.objectUID == uid else { return }
            store.startPod(key)
        }
    }

    /// Binds the pod to the node and runs its containers (init containers complete first).
    @discardableResult
    func startPod(_ key: ObjectKey) -> JSONValue? {
        guard let pod = objects[key], pod[path: "metadata", "deletionTimestamp"] == nil,
              pod[path: "status", "phase"]?.stringValue == "Pending" else { return objects[key] }
        let started = Date()
        let now = Self.timestamp(started)
        let updated = mutate(key) { pod in
            pod["spec"]?["nodeName"] = .string(options.nodeName)
            var status = pod["status"] ?? [:]
            status["phase"] = "Running"
            status["startTime"] = .string(now)
            status["hostIP"] = .string(options.podIP)
            status["podIP"] = .string(options.podIP)
            status["podIPs"] = [["ip": .string(options.podIP)]]
            status["conditions"] = .array(["PodScheduled", "Initialized", "ContainersReady", "Ready"].map { type in
                ["type": .string(type), "status": "True", "lastTransitionTime": .string(now), "lastProbeTime": .null]
            })
            status["containerStatuses"] = .array((pod[path: "spec", "containers"]?.arrayValue ?? []).map {
                Self.containerStatus($0, state: .running, at: now)
            })
            if let initContainers = pod[path: "spec", "initContainers"]?.arrayValue, !initContainers.isEmpty {
                status["initContainerStatuses"] = .array(initContainers.map { container in
                    let sidecar = container["restartPolicy"]?.stringValue == "Always"
                    return Self.containerStatus(container, state: sidecar ? .running : .terminated(exitCode: 0, reason: "Completed"), at: now)
                })
            }
            pod["status"] = status
        }
        scheduleDeadline(key, from: started)
        return updated
    }

    /// Fails the pod (DeadlineExceeded) once it has been active for `activeDeadlineSeconds`.
    func scheduleDeadline(_ key: ObjectKey, from start: Date) {
        guard let pod = objects[key], let seconds = pod[path: "spec", "activeDeadlineSeconds"]?.intValue else { return }
        let uid = pod.objectUID
        let remaining = start.addingTimeInterval(Double(seconds)).timeIntervalSinceNow
        schedule(after: .milliseconds(max(0, Int(remaining * 1000)))) { store in
            guard store.objects[key]?.objectUID == uid else { return }
            store.failForDeadline(key)
        }
    }

    func failForDeadline(_ key: ObjectKey) {
        guard let phase = objects[key]?[path: "status", "phase"]?.stringValue, phase == "Running" || phase == "Pending" else { return }
        let now = Self.timestamp()
        mutate(key) { pod in
            pod["status"]?["phase"] = "Failed"
            pod["status"]?["reason"] = "DeadlineExceeded"
            pod["status"]?["message"] = "Pod was active on the node longer than the specified deadline"
            let statuses = (pod[path: "status", "containerStatuses"]?.arrayValue ?? []).map { status -> JSONValue in
                guard status["state"]?["terminated"] == nil else { return status }
                var status = status
                status["state"] = ["terminated": ["exitCode": 137, "reason": "Error", "startedAt": status[path: "state", "running", "startedAt"] ?? .null,
                                                  "finishedAt": .string(now)]]
                status["ready"] = false
                status["started"] = false
                return status
            }
            pod["status"]?["containerStatuses"] = .array(statuses)
            Self.setCondition(&pod, "Ready", false, at: now)
            Self.setCondition(&pod, "ContainersReady", false, at: now)
        }
    }

    /// Sets one container's state; with restartPolicy Never, the phase follows the containers
    /// (Succeeded when all exited 0, Failed when all exited and one did not).
    func setContainerState(_ key: ObjectKey, container name: String, state: KubeDoubleContainerState) -> JSONValue? {
        let now = Self.timestamp()
        return mutate(key) { pod in
            var statuses = pod[path: "status", "containerStatuses"]?.arrayValue ?? []
            let specs = pod[path: "spec", "containers"]?.arrayValue ?? []
            if statuses.isEmpty { statuses = specs.map { Self.containerStatus($0, state: .waiting(reason: "ContainerCreating"), at: now) } }
            var initStatuses = pod[path: "status", "initContainerStatuses"]?.arrayValue ?? []
            if let index = statuses.firstIndex(where: { $0["name"]?.stringValue == name }) {
                statuses[index] = Self.update(statuses[index], state: state, at: now)
            } else if let index = initStatuses.firstIndex(where: { $0["name"]?.stringValue == name }) {
                initStatuses[index] = Self.update(initStatuses[index], state: state, at: now)
                pod["status"]?["initContainerStatuses"] = .array(initStatuses)
            }
            if pod["status"] == nil { pod["status"] = [:] }
            pod["status"]?["containerStatuses"] = .array(statuses)
            if pod[path: "spec", "restartPolicy"]?.stringValue == "Never" {
                let exits = statuses.compactMap { $0[path: "state", "terminated", "exitCode"]?.intValue }
                if exits.count == statuses.count && !statuses.isEmpty {
                    pod["status"]?["phase"] = exits.allSatisfy { $0 == 0 } ? "Succeeded" : "Failed"
                }
            }
            let allReady = statuses.allSatisfy { $0["ready"]?.boolValue == true }
            Self.setCondition(&pod, "ContainersReady", allReady, at: now)
            Self.setCondition(&pod, "Ready", allReady, at: now)
        }
    }

    static func containerStatus(_ container: JSONValue, state: KubeDoubleContainerState, at time: String) -> JSONValue {
        let name = container["name"]?.stringValue ?? ""
        let image = container["image"]?.stringValue ?? ""
        let status: JSONValue = [
            "name": .string(name), "image": .string(image), "imageID": .string("docker-pullable://\(image)"),
            "restartCount": 0, "ready": false, "started": false,
            "containerID": .string("containerd://" + String(repeating: "0", count: 8) + UUID().uuidString.lowercased().filter { $0 != "-" }),
        ]
        return update(status, state: state, at: time)
    }

    static func update(_ status: JSONValue, state: KubeDoubleContainerState, at time: String) -> JSONValue {
        var status = status
        switch state {
        case .running:
            status["state"] = ["running": ["startedAt": .string(time)]]
            status["ready"] = true
            status["started"] = true
        case .waiting(let reason, let message):
            var waiting: JSONValue = ["reason": .string(reason)]
            if let message { waiting["message"] = .string(message) }
            status["state"] = ["waiting": waiting]
            status["ready"] = false
            status["started"] = false
        case .terminated(let exitCode, let reason, let message):
            var terminated: JSONValue = ["exitCode": .number(Double(exitCode)), "finishedAt": .string(time),
                                         "reason": .string(reason ?? (exitCode == 0 ? "Completed" : "Error")),
                                         "startedAt": status[path: "state", "running", "startedAt"] ?? .string(time)]
            if let message { terminated["message"] = .string(message) }
            status["state"] = ["terminated": terminated]
            status["ready"] = false
            status["started"] = false
        }
        return status
    }

    static func setCondition(_ pod: inout JSONValue, _ type: String, _ value: Bool, at time: String) {
        var conditions = pod[path: "status", "conditions"]?.arrayValue ?? []
        let text: JSONValue = value ? "True" : "False"
        if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
            if conditions[index]["status"] != text {
                conditions[index]["status"] = text
                conditions[index]["lastTransitionTime"] = .string(time)
            }
        } else {
            conditions.append(["type": .string(type), "status": text, "lastTransitionTime": .string(time), "lastProbeTime": .null])
        }
        pod["status"]?["conditions"] = .array(conditions)
    }
}
