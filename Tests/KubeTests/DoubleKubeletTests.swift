import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("Double: kubelet")
struct DoubleKubeletTests {
    @Test func autoRunMovesPodsToRunningWithReadyContainers() async throws {
        var options = KubeDoubleOptions()
        options.autoRunPods = true
        try await withDouble(options: options) { _, client in
            let created = try await client.create(.pods, namespace: "default", podManifest("run", extra: [
                "spec": ["initContainers": [["name": "setup", "image": "busybox"]]],
            ]))
            #expect(created[path: "status", "phase"] == "Pending")
            var pod: JSONValue = .null
            try await eventually("Running") {
                pod = try await client.get(.pods, namespace: "default", name: "run")
                return pod[path: "status", "phase"] == "Running"
            }
            let status = try #require(pod[path: "status", "containerStatuses"]?.arrayValue?.first)
            #expect(status["name"] == "main")
            #expect(status["ready"] == true)
            #expect(status[path: "state", "running", "startedAt"]?.stringValue != nil)
            #expect(pod[path: "status", "initContainerStatuses"]?.arrayValue?.first?[path: "state", "terminated", "exitCode"] == 0)
            #expect(pod[path: "status", "startTime"]?.stringValue != nil)
            #expect(pod[path: "spec", "nodeName"] == "kube-double-node")
        }
    }

    @Test func containerStatesAndPhaseFromTheSwiftAPI() async throws {
        try await withDouble { double, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("never", extra: ["spec": ["restartPolicy": "Never"]]))
            try await double.runPod(namespace: "default", name: "never")
            let pulling = try await double.setContainerState(namespace: "default", pod: "never", container: "main",
                                                             .waiting(reason: "ImagePullBackOff", message: "back-off pulling image"))
            #expect(pulling[path: "status", "containerStatuses"]?.arrayValue?.first?[path: "state", "waiting", "reason"] == "ImagePullBackOff")
            let done = try await double.setContainerState(namespace: "default", pod: "never", container: "main", .terminated(exitCode: 3))
            let terminated = done[path: "status", "containerStatuses"]?.arrayValue?.first?[path: "state", "terminated"]
            #expect(terminated?["exitCode"] == 3)
            #expect(terminated?["reason"] == "Error")
            #expect(done[path: "status", "phase"] == "Failed")
            let fetched = try await client.get(.pods, namespace: "default", name: "never")
            #expect(fetched == done)
            let phased = try await double.setPodPhase(namespace: "default", name: "never", phase: "Succeeded")
            #expect(phased[path: "status", "phase"] == "Succeeded")
        }
    }

    @Test func activeDeadlineFailsThePod() async throws {
        var options = KubeDoubleOptions()
        options.autoRunPods = true
        try await withDouble(options: options) { double, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("deadline", extra: ["spec": ["activeDeadlineSeconds": 1]]))
            var pod: JSONValue = .null
            try await eventually("DeadlineExceeded") {
                pod = await double.object(.pods, namespace: "default", name: "deadline") ?? .null
                return pod[path: "status", "phase"] == "Failed"
            }
            #expect(pod[path: "status", "reason"] == "DeadlineExceeded")
            #expect(pod[path: "status", "containerStatuses"]?.arrayValue?.first?[path: "state", "terminated", "exitCode"] == 137)
        }
    }
}
