import Engine
import Forgejo
import ForgejoProtocol
import ForgejoTestDouble
import HearthTestSupport
import Foundation
import Kube
import KubePod
import KubeTestDouble
import Testing
@testable import KubeRunner

/// Forgejo double + Kubernetes API double + the real daemon with the Kubernetes controller as its
/// executor + a kubelet double that runs each pod's shim and agent on this machine.
final class ControllerHarness: Sendable {
    let forgejo: ForgejoEnd
    let double: KubeDouble
    let kubelet: KubeletDouble?
    let kube: KubeClient
    let controller: KubeController
    let daemon: RunnerDaemon
    let shutdown = CancellationSignal()
    let running: Task<Void, any Error>
    let port: Int

    init(forgejo: ForgejoEnd, double: KubeDouble, kubelet: KubeletDouble?, kube: KubeClient, controller: KubeController, daemon: RunnerDaemon, port: Int) {
        self.forgejo = forgejo
        self.double = double
        self.kubelet = kubelet
        self.kube = kube
        self.controller = controller
        self.daemon = daemon
        self.port = port
        let (daemon, shutdown) = (daemon, shutdown)
        running = Task { try await daemon.run(shutdown: shutdown) }
    }

    static func start(
        forgejo: ForgejoEnd? = nil, double: KubeDouble? = nil, kubelet: KubeletDouble? = nil, runPodsLocally: Bool = true, port: Int = 0,
        controllerURL: String? = nil, labelTemplates: [String: PodTemplate] = [:]
    ) async throws -> ControllerHarness {
        let forgejo = try await Self.orStart(forgejo) { try await ForgejoEnd.start() }
        let double = try await Self.orStart(double) { try await KubeDouble.start() }
        let kubelet = runPodsLocally ? try kubelet ?? KubeletDouble(double: double) : nil
        if let kubelet { await kubelet.start() }
        let kube = try KubeClient(configuration: double.configuration, logger: ForgejoEnd.quietLogger)
        let settings = KubernetesSettings(controllerURL: controllerURL, agentImage: "localhost/hearth:test", startTimeout: .seconds(60), labels: labelTemplates)
        let configuration = KubeController.Configuration(
            settings: settings, namespace: "default", runnerID: forgejo.registration.uuid,
            labels: forgejo.settings.backends.labels, daemon: forgejo.settings, controllerURL: controllerURL, agentImage: "localhost/hearth:test",
            sweepInterval: .seconds(3600))
        let controller = KubeController(
            configuration: configuration, kube: kube, reporting: forgejo.client, tokens: AgentTokens(secret: forgejo.registration.token),
            logger: ForgejoEnd.quietLogger)
        let bound = try await controller.start(host: "::", port: port)
        var daemonSettings = forgejo.settings
        daemonSettings.executor = controller
        let daemon = RunnerDaemon(settings: daemonSettings, client: forgejo.client, metrics: RunnerMetrics(), readiness: Readiness(), logger: ForgejoEnd.quietLogger)
        return ControllerHarness(forgejo: forgejo, double: double, kubelet: kubelet, kube: kube, controller: controller, daemon: daemon, port: bound)
    }

    private static func orStart<T>(_ existing: T?, _ make: () async throws -> T) async throws -> T {
        if let existing { return existing }
        return try await make()
    }

    /// Stops the daemon and the controller only (pods keep running), as a controller restart does.
    func stopController() async {
        shutdown.cancel(reason: "controller restart")
        _ = try? await running.value
        await controller.stop()
        await kube.shutdown()
    }

    func stopAll() async {
        await stopController()
        await kubelet?.stop()
        await double.stop()
        await forgejo.stop()
    }

    func finished(_ job: JobID, _ status: ActionStatus) async throws -> TaskSnapshot {
        let snapshot = try await forgejo.double.waitForJob(job, status: status, timeout: .seconds(90))
        let taskID = try #require(snapshot.taskID)
        _ = try await forgejo.double.waitForLogFinalized(taskID: taskID)
        return try await forgejo.double.waitForTaskFinished(taskID)
    }

    func waitForPods(count: Int) async {
        #expect(await kubelet?.waitUntil { pods, _ in pods.count == count } == true, "expected \(count) pod(s)")
    }
}

@Suite("Kubernetes controller against the API double", .serialized)
struct KubeControllerTests {
    static let serviceWorkflow = """
        on: push
        jobs:
          build:
            runs-on: k8s
            container:
              image: localhost/busybox:test
            services:
              db:
                image: localhost/busybox:test
                env:
                  PASSWORD: ${{ secrets.DB_PASSWORD }}
            outputs:
              answer: ${{ steps.a.outputs.answer }}
            steps:
              - run: echo "hello from $(hostname)"
              - id: a
                run: echo "answer=42" >> "$GITHUB_OUTPUT"
        """

    @Test("a job runs in its own pod: pod + Secret created, one watch, at most 4 writes, secrets only in the Secret, pod deleted")
    func oneJob() async throws {
        let harness = try await ControllerHarness.start()
        defer { Task { await harness.stopAll() } }
        let jobs = try harness.forgejo.double.queue(workflowYAML: Self.serviceWorkflow, secrets: ["DB_PASSWORD": "hunter2-secret"])
        let finished = try await harness.finished(try #require(jobs.first), .success)
        #expect(finished.outputs == ["answer": "42"])
        #expect(finished.logContents.contains { $0.hasPrefix("hello from ") })
        #expect(!finished.logContents.contains { $0.contains("ignored") }, "the pod runs the job container and services: \(finished.logContents)")

        // Pod gone; its Secret went with it (ownerReferences).
        await harness.waitForPods(count: 0)
        #expect(await harness.kubelet?.waitUntil { _, secrets in secrets.isEmpty } == true)
        let stats = harness.kube.statistics
        #expect(stats.totalWrites <= 4, "API writes: \(stats.writes)")
        #expect(stats.writes[.create] == 2)
        #expect(stats.writes[.delete] == 1)
        #expect(stats.watchesOpened == 1)
    }

    @Test("the controller restarts mid-step: the pod keeps running, the new controller adopts it, nothing is lost")
    func restart() async throws {
        let first = try await ControllerHarness.start()
        let jobs = try first.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                container:
                  image: localhost/busybox:test
                steps:
                  - run: echo before
                  - run: |
                      echo waiting
                      while [ ! -e /tmp/hearth-restart-$GITHUB_RUN_ID ] && [ ! -e "$RUNNER_TEMP/../go" ]; do sleep 0.05; done
                      echo released
                  - run: echo after
            """)
        let job = try #require(jobs.first)
        _ = try await first.forgejo.double.waitForTask(timeout: .seconds(60), description: "the waiting step") { $0.logContents.contains("waiting") }
        let pod = try #require(await first.double.objects(.pods, namespace: "default").first?.objectName)

        await first.stopController()
        #expect(await first.double.object(.pods, namespace: "default", name: pod) != nil, "the pod must outlive its controller")

        let second = try await ControllerHarness.start(
            forgejo: first.forgejo, double: first.double, kubelet: first.kubelet, port: first.port, controllerURL: "http://127.0.0.1:\(first.port)")
        defer { Task { await second.stopAll() } }
        let local = try #require(first.kubelet?.localPod(pod))
        #expect(FileManager.default.createFile(atPath: "\(local.shim.root)/go", contents: nil))

        let finished = try await second.finished(job, .success)
        let rows = finished.logContents
        for line in ["before", "waiting", "released", "after"] {
            #expect(rows.filter { $0 == line }.count == 1, "'\(line)' must appear exactly once in \(rows)")
        }
        #expect(finished.steps.map(\.status) == [.success, .success, .success])
        await second.waitForPods(count: 0)
    }

    @Test("an image that cannot be pulled fails the job with the kubelet's reason, and the pod is removed")
    func imagePullFailure() async throws {
        let harness = try await ControllerHarness.start()
        defer { Task { await harness.stopAll() } }
        let podName = PodRenderer.podName(taskID: 1, jobName: "build")
        harness.kubelet?.hold(podName)
        let jobs = try harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                container:
                  image: registry.invalid/nothing:1
                steps:
                  - run: echo never
            """)
        await harness.waitForPods(count: 1)
        _ = try await harness.double.setContainerState(
            namespace: "default", pod: podName, container: PodLayout.jobContainer,
            .waiting(reason: "ImagePullBackOff", message: "Back-off pulling image \"registry.invalid/nothing:1\""))
        let finished = try await harness.finished(try #require(jobs.first), .failure)
        #expect(finished.logContents.contains { $0.contains("ImagePullBackOff") && $0.contains("registry.invalid/nothing:1") })
        await harness.waitForPods(count: 0)
    }

    @Test("cancelled in Forgejo mid-step: SIGTERM to the step, always() steps run, task cancelled, pod removed")
    func cancel() async throws {
        let harness = try await ControllerHarness.start()
        defer { Task { await harness.stopAll() } }
        let jobs = try harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                container:
                  image: localhost/busybox:test
                steps:
                  - run: |
                      trap 'echo got TERM; exit 143' TERM
                      echo sleeping
                      while :; do sleep 0.1; done
                  - if: always()
                    run: echo cleanup ran
            """)
        let task = try await harness.forgejo.double.waitForTask(timeout: .seconds(60), description: "the sleeping step") { $0.logContents.contains("sleeping") }
        #expect(try harness.forgejo.double.cancel(taskID: task.id))
        let finished = try await harness.finished(try #require(jobs.first), .cancelled)
        #expect(finished.logContents.contains("got TERM"))
        #expect(finished.logContents.contains("cleanup ran"))
        await harness.waitForPods(count: 0)
    }

    @Test("API trouble mid-job: a 429 on pod creation is retried, a watch answered 410 Gone is re-listed; the job still succeeds")
    func apiTrouble() async throws {
        let harness = try await ControllerHarness.start()
        defer { Task { await harness.stopAll() } }
        harness.double.failNext(1, method: "POST", pathPrefix: "/api/v1/namespaces/default/pods", status: 429, retryAfterSeconds: 1)
        let jobs = try harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: |
                      echo waiting
                      while [ ! -e "$RUNNER_TEMP/../go" ]; do sleep 0.05; done
                      echo released
            """)
        _ = try await harness.forgejo.double.waitForTask(timeout: .seconds(60), description: "the waiting step") { $0.logContents.contains("waiting") }
        // The next watch is refused with 410 Gone (its resourceVersion compacted away), as an API
        // server does after a long disconnection; then the watch stream drops.
        let listsBefore = harness.kube.statistics.lists
        let resynced = AsyncSignal()
        let handler = harness.controller.informer.addHandler { event in
            if case .synced = event { resynced.signal() }
        }
        defer { harness.controller.informer.removeHandler(handler) }
        // Two pod watches are open (the controller's and the kubelet double's): both get the 410.
        harness.double.failNext(2, method: "GET", pathPrefix: "/api/v1/namespaces/default/pods", watch: true, status: 410)
        await harness.double.closeAllWatches()
        await resynced.wait(timeout: .seconds(30))
        #expect(harness.kube.statistics.lists > listsBefore, "the informer listed again after 410 Gone")
        let pod = try #require(await harness.double.objects(.pods, namespace: "default").first?.objectName)
        let local = try #require(harness.kubelet?.localPod(pod))
        #expect(FileManager.default.createFile(atPath: "\(local.shim.root)/go", contents: nil))
        let finished = try await harness.finished(try #require(jobs.first), .success)
        #expect(finished.logContents.contains("released"))
        await harness.waitForPods(count: 0)
        let stats = harness.kube.statistics
        #expect(stats.retries >= 1, "the 429 was retried")
        // Pod, Secret, and the pod creation refused with 429 (every attempt counts).
        #expect(stats.writes[.create] == 3 && stats.writes[.delete] == 1, "\(stats.writes)")
    }

    @Test("the sweep reports a pod that failed while no controller watched it, and removes it")
    func sweepOrphan() async throws {
        let forgejo = try await ForgejoEnd.start()
        let jobs = try forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: echo never
            """)
        let reply = try await forgejo.client.fetchTask(tasksVersion: 0, capacity: 1, requestKey: nil, timeout: .seconds(5))
        let taskID = reply.task.id
        let double = try await KubeDouble.start()
        let name = "hearth-\(taskID)-build"
        _ = try await double.create(.pods, namespace: "default", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(name),
                "labels": [
                    PodLayout.nameLabel: .string(PodLayout.nameLabelValue),
                    PodLayout.runnerLabel: .string(forgejo.registration.uuid),
                    PodLayout.taskLabel: .string(String(taskID)),
                ],
            ],
            "spec": ["containers": [["name": "job", "image": "localhost/busybox:test"]]],
        ])
        _ = try await double.setPodPhase(namespace: "default", name: name, phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline")
        let harness = try await ControllerHarness.start(forgejo: forgejo, double: double)
        defer { Task { await harness.stopAll() } }
        await harness.controller.sweep()
        let finished = try await harness.finished(try #require(jobs.first), .failure)
        #expect(finished.logContents.contains { $0.contains("DeadlineExceeded") })
        await harness.waitForPods(count: 0)
    }

    @Test("remote JavaScript (pre/main/post, inputs, state, outputs) and composite actions run in the pod")
    func actions() async throws {
        let repos = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-kube-actions-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: repos) }
        try GitFixture.makeRepository(at: repos, name: "acme/js", files: [
            "action.yml": """
                inputs:
                  who: {required: true}
                outputs:
                  greeting: {description: the greeting}
                runs:
                  using: node20
                  pre: pre.js
                  main: main.js
                  post: post.js
                """,
            "pre.js": "require('fs').appendFileSync(process.env.GITHUB_STATE, 'phase=pre-ran\\n'); console.log('pre ran');\n",
            "main.js": """
                const fs = require('fs');
                console.log(`hello ${process.env.INPUT_WHO} (state ${process.env.STATE_phase}) on ${process.version}`);
                fs.appendFileSync(process.env.GITHUB_OUTPUT, `greeting=hi ${process.env.INPUT_WHO}\\n`);
                """,
            "post.js": "console.log('post ran');\n",
        ], tags: ["v1"])
        try GitFixture.makeRepository(at: repos, name: "acme/comp", files: [
            "action.yml": "runs:\n  using: composite\n  steps:\n    - shell: sh\n      run: echo \"composite in $(pwd)\"\n",
        ], tags: ["v1"])
        let git = try GitHTTPServer(root: repos)
        defer { git.stop() }
        let forgejo = try await ForgejoEnd.start(defaultActionsURL: git.baseURL)
        let harness = try await ControllerHarness.start(forgejo: forgejo)
        defer { Task { await harness.stopAll() } }
        let jobs = try forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - id: js
                    uses: acme/js@v1
                    with:
                      who: pod
                  - uses: acme/comp@v1
                  - run: echo "output was ${{ steps.js.outputs.greeting }}"
            """)
        let finished = try await harness.finished(try #require(jobs.first), .success)
        let rows = finished.logContents
        #expect(rows.contains("pre ran"))
        #expect(rows.contains { $0.hasPrefix("hello pod (state pre-ran) on v") })
        #expect(rows.contains("output was hi pod"))
        #expect(rows.contains { $0.hasPrefix("composite in /") })
        #expect(rows.contains("post ran"))
    }

    @Test("a Docker action in a job pod fails with a message saying why and what to use instead; later always() steps run")
    func dockerActionInPod() async throws {
        let harness = try await ControllerHarness.start()
        defer { Task { await harness.stopAll() } }
        let jobs = try harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - uses: docker://localhost/busybox:test
                  - if: always()
                    run: echo still here
            """)
        let finished = try await harness.finished(try #require(jobs.first), .failure)
        #expect(finished.logContents.contains { $0.contains("is a Docker action") && $0.contains("Podman") }, "\(finished.logContents)")
        #expect(finished.logContents.contains("still here"))
    }

    @Test("a label's concurrency: the second job's pod waits until the first job's pod is gone")
    func labelConcurrency() async throws {
        var template = PodTemplate()
        template.concurrency = 1
        let harness = try await ControllerHarness.start(labelTemplates: ["k8s": template])
        defer { Task { await harness.stopAll() } }
        let workflow = """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: |
                      echo started
                      while [ ! -e "$RUNNER_TEMP/../go" ]; do sleep 0.05; done
            """
        let first = try #require(try harness.forgejo.double.queue(workflowYAML: workflow).first)
        _ = try await harness.forgejo.double.waitForTask(timeout: .seconds(60), description: "the first job running") { $0.logContents.contains("started") }
        let second = try #require(try harness.forgejo.double.queue(workflowYAML: workflow).first)
        // The daemon takes the second task (capacity 4), but its pod must wait.
        _ = try await harness.forgejo.double.waitForJob(second, status: .running, timeout: .seconds(30))
        #expect(await harness.kubelet?.waitUntil(timeout: .seconds(2)) { pods, _ in pods.count > 1 } == false, "a second pod was created despite concurrency 1")
        let pods = await harness.double.objects(.pods, namespace: "default").compactMap(\.objectName)
        let firstPod = try #require(pods.first)
        #expect(FileManager.default.createFile(atPath: "\(try #require(harness.kubelet?.localPod(firstPod)).shim.root)/go", contents: nil))
        _ = try await harness.finished(first, .success)
        _ = try await harness.forgejo.double.waitForTask(timeout: .seconds(60), description: "the second job running") { task in
            task.jobID == second && task.logContents.contains("started")
        }
        let secondPod = try #require(await harness.double.objects(.pods, namespace: "default").compactMap(\.objectName).first)
        #expect(FileManager.default.createFile(atPath: "\(try #require(harness.kubelet?.localPod(secondPod)).shim.root)/go", contents: nil))
        _ = try await harness.finished(second, .success)
        #expect(harness.kubelet?.maxPods == 1)
    }
}
