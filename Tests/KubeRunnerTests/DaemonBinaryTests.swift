import Backends
import Forgejo
import ForgejoTestDouble
import Foundation
import Kube
import KubePod
import KubeTestDouble
import Synchronization
import Testing
@testable import KubeRunner

/// The `hearth daemon` binary in Kubernetes mode (config.yml `kubernetes:`, a kubeconfig), its
/// pods run by the kubelet double with `hearth agent` binaries: the command-line wiring, the
/// Lease, and a job end to end, all as separate processes.
@Suite("hearth daemon in Kubernetes mode (binaries)", .serialized)
struct DaemonBinaryTests {
    @Test("takes the Lease, runs a job as a pod with a hearth agent process, releases the Lease on SIGTERM")
    func daemonKubernetesMode() async throws {
        let fixture = try await Fixture.start()
        let (hearth, forgejo, double, kubelet, directory) = (fixture.hearth, fixture.forgejo, fixture.double, fixture.kubelet, fixture.directory)
        let registration = forgejo.registration
        let daemon = try await Self.startDaemon(hearth, directory: directory, podName: "controller-a")
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

        await fixture.stop()
    }
    /// The Forgejo and API doubles, a kubelet double that starts `hearth agent` processes, and a
    /// runner directory for `hearth daemon` (removed by `stop`).
    struct Fixture {
        let hearth: String
        let forgejo: ForgejoEnd
        let double: KubeDouble
        let kubelet: KubeletDouble
        let directory: String

        static func start() async throws -> Fixture {
            let hearth = PodmanKubelet.hearthBinary
            try #require(FileManager.default.isExecutableFile(atPath: hearth), "the hearth binary is built with the tests")
            let forgejo = try await ForgejoEnd.start()
            let double = try await KubeDouble.start()
            let kubelet = try KubeletDouble(double: double, agentBinary: hearth)
            await kubelet.start()
            let (directory, _) = try DaemonBinaryTests.prepareDirectory(forgejo: forgejo, double: double)
            return Fixture(hearth: hearth, forgejo: forgejo, double: double, kubelet: kubelet, directory: directory)
        }

        func stop() async {
            await kubelet.stop()
            await double.stop()
            await forgejo.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// A runner directory with `.runner`, a kubeconfig for the double and a config.yml in
    /// Kubernetes mode; the agent channel's port is free and the same for every replica.
    static func prepareDirectory(forgejo: ForgejoEnd, double: KubeDouble) throws -> (String, Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-daemon-kube-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(try forgejo.registration.save(path: "\(directory)/.runner"))
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
        return (directory, port)
    }

    /// `hearth daemon` as replica `podName` (the Deployment's POD_NAME).
    static func startDaemon(_ hearth: String, directory: String, podName: String) async throws -> any RunningProcess {
        let host = try HostEnvironment(workspace: directory, runnerTemp: "\(directory)/temp-\(podName)", toolCache: nil)
        return try await host.start(ProcessSpec(
            executable: hearth, arguments: ["daemon", "-c", "\(directory)/config.yml"],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory, "POD_NAME": podName],
            workingDirectory: directory))
    }

    @Test("two replicas: the standby takes over when the leader stops mid-job, adopts the running pod, and the task runs once")
    func rollingUpdate() async throws {
        let fixture = try await Fixture.start()
        let (hearth, forgejo, double, kubelet, directory) = (fixture.hearth, fixture.forgejo, fixture.double, fixture.kubelet, fixture.directory)
        let lease = "hearth-\(forgejo.registration.uuid.lowercased())"

        let first = try await Self.startDaemon(hearth, directory: directory, podName: "controller-a")
        let firstOutput = Task { await first.collect() }
        let jobs = try forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: |
                      echo waiting
                      while [ ! -e "\(directory)/go" ]; do sleep 0.1; done
                      echo released
                  - run: echo second step
            """)
        let job = try #require(jobs.first)
        _ = try await forgejo.double.waitForTask(timeout: .seconds(90), description: "the waiting step") {
            $0.logContents.contains("waiting") || $0.status.isDone
        }
        // The second replica starts while the first leads: it waits as a standby and does not bind the channel.
        let second = try await Self.startDaemon(hearth, directory: directory, podName: "controller-b")
        let secondOutput = LineWatcher(second)
        #expect(await secondOutput.waitFor("waiting as a standby", timeout: .seconds(60)))
        let podsBefore = await double.objects(.pods, namespace: "default")
        #expect(podsBefore.count == 1)
        let podUID = podsBefore.first?[path: "metadata", "uid"]?.stringValue

        // A rolling update stops the leader: it detaches from the pod, releases the Lease and exits.
        first.terminate(grace: .seconds(30))
        let (firstLines, firstCode) = await firstOutput.value
        #expect(firstCode == 0, "\(firstLines.suffix(20).joined(separator: "\n"))")
        #expect(firstLines.contains { $0.contains("detached from pod") }, "\(firstLines.suffix(20))")
        let podsBetween = await double.objects(.pods, namespace: "default")
        #expect(podsBetween.map { $0[path: "metadata", "uid"]?.stringValue } == [podUID], "the job's pod keeps running")

        #expect(FileManager.default.createFile(atPath: "\(directory)/go", contents: Data()))
        let snapshot = try await forgejo.double.waitForJob(job, status: .success, timeout: .seconds(90))
        let taskID = try #require(snapshot.taskID)
        _ = try await forgejo.double.waitForLogFinalized(taskID: taskID)
        let finished = try await forgejo.double.waitForTaskFinished(taskID)
        for line in ["waiting", "released", "second step"] {
            #expect(finished.logContents.filter { $0 == line }.count == 1, "'\(line)' once: \(finished.logContents)")
        }
        #expect(forgejo.double.snapshot.tasks.filter { $0.jobID == job }.count == 1, "the task ran once")
        let holder = await double.object(.leases, namespace: "default", name: lease)
        #expect(holder?[path: "spec", "holderIdentity"] == "controller-b")
        #expect(await kubelet.waitUntil { pods, _ in pods.isEmpty }, "the new leader deletes the finished pod")

        second.terminate(grace: .seconds(30))
        let secondCode = await second.waitForExit()
        let secondLines = await secondOutput.finished()
        #expect(secondCode == 0, "\(secondLines.suffix(20).joined(separator: "\n"))")
        #expect(secondLines.contains { $0.contains("now holds lease") })
        #expect(secondLines.contains { $0.contains("adopt") }, "\(secondLines.suffix(30))")
        await fixture.stop()
    }
}

/// Reads a process's output as it comes, so a test can wait for a line before going on.
final class LineWatcher: Sendable {
    private final class Store: Sendable {
        let lines = Mutex<[String]>([])
        let changed = AsyncSignal()
        func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }
    }

    private let store = Store()
    private let reading: Task<Void, Never>

    init(_ process: any RunningProcess) {
        let store = self.store
        reading = Task {
            for await line in process.lines {
                store.lines.withLock { $0.append(line) }
                store.changed.signal()
            }
        }
    }

    /// True once a line containing `text` has been written, false after `timeout`.
    func waitFor(_ text: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if store.contains(text) { return true }
            await store.changed.wait(timeout: .milliseconds(500))
        }
        return store.contains(text)
    }

    /// Every line, once the output has ended.
    func finished() async -> [String] {
        await reading.value
        return store.lines.withLock { $0 }
    }
}
