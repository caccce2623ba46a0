import Backends
import Forgejo
import ForgejoTestDouble
import Foundation
import Kube
import KubePod
import KubeTestDouble
import Testing
@testable import KubeRunner

/// The `hearth daemon` binary in Kubernetes mode (config.yml `kubernetes:`, a kubeconfig), its
/// pods run by the kubelet double with `hearth agent` binaries: the command-line wiring, the
/// Lease, and a job end to end, all as separate processes.
@Suite("hearth daemon in Kubernetes mode (binaries)", .serialized)
struct DaemonBinaryTests {
    @Test("takes the Lease, runs a job as a pod with a hearth agent process, releases the Lease on SIGTERM")
    func daemonKubernetesMode() async throws {
        let hearth = PodmanKubelet.hearthBinary
        try #require(FileManager.default.isExecutableFile(atPath: hearth), "the hearth binary is built with the tests")
        let forgejo = try await ForgejoEnd.start()
        let double = try await KubeDouble.start()
        let kubelet = try KubeletDouble(double: double, agentBinary: hearth)
        await kubelet.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-daemon-kube-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registration = forgejo.registration
        #expect(try registration.save(path: "\(directory)/.runner"))
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: double
              cluster: {server: "\(double.url)"}
            users:
            - name: tester
              user: {token: anything}
            contexts:
            - name: double
              context: {cluster: double, user: tester, namespace: default}
            current-context: double
            """.write(toFile: "\(directory)/kubeconfig", atomically: true, encoding: .utf8)
        let port = try FreePort.any()
        try """
            log:
              level: info
            runner:
              file: \(directory)/.runner
              fetch_interval: 100ms
              report_interval: 100ms
              labels: ["k8s:docker://localhost/busybox:test"]
            cache:
              enabled: false
            kubernetes:
              kubeconfig: \(directory)/kubeconfig
              controller_url: http://127.0.0.1:\(port)
              listen: "[::]:\(port)"
              agent_image: localhost/hearth:test
            """.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)

        let host = try HostEnvironment(workspace: directory, runnerTemp: "\(directory)/temp", toolCache: nil)
        let daemon = try await host.start(ProcessSpec(
            executable: hearth, arguments: ["daemon", "-c", "\(directory)/config.yml"],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory, "POD_NAME": "controller-a"],
            workingDirectory: directory))
        let output = Task { await daemon.collect() }

        let jobs = try forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: echo "agent process says hi"
                  - id: o
                    run: echo "v=7" >> "$GITHUB_OUTPUT"
                outputs:
                  v: ${{ steps.o.outputs.v }}
            """)
        let job = try #require(jobs.first)
        let snapshot = try await forgejo.double.waitForJob(job, status: .success, timeout: .seconds(90))
        let taskID = try #require(snapshot.taskID)
        _ = try await forgejo.double.waitForLogFinalized(taskID: taskID)
        let finished = try await forgejo.double.waitForTaskFinished(taskID)
        #expect(finished.logContents.contains("agent process says hi"))
        #expect(finished.outputs == ["v": "7"])

        let lease = await double.object(.leases, namespace: "default", name: "hearth-\(registration.uuid.lowercased())")
        #expect(lease?[path: "spec", "holderIdentity"] == "controller-a")
        #expect(await kubelet.waitUntil { pods, _ in pods.isEmpty }, "the job's pod is deleted")

        daemon.terminate(grace: .seconds(20))
        let (lines, code) = await output.value
        #expect(code == 0, "daemon exit \(code): \(lines.suffix(30).joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("now holds lease") }, "\(lines.suffix(30))")
        let released = await double.object(.leases, namespace: "default", name: "hearth-\(registration.uuid.lowercased())")
        #expect(released?[path: "spec", "holderIdentity"]?.stringValue == nil, "the lease is released on shutdown: \(String(describing: released))")

        await kubelet.stop()
        await double.stop()
        await forgejo.stop()
    }
}
