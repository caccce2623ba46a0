import Backends
import Engine
import Forgejo
import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Kube
import KubePod
import KubeRunner
import KubeTestDouble
import Logging
import Synchronization

/// `kube-start [jobs]`: how long a job takes from `execute` to its first step process, beyond the
/// pod's own start. The controller runs against the API double; a local kubelet starts each pod's
/// step shim (under `/bin/sh`) and the real agent on this machine, then marks the pod Running.
/// The first step writes the wall-clock time it started.
enum StartBench {
    static func run(jobs: Int) async throws {
        let directory = try Bench.temporaryDirectory("hearth-kube-start")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = "\(directory)/started"
        let logger = Bench.logger("kube-bench")

        let forgejo = ForgejoDouble()
        _ = try await forgejo.start(host: "127.0.0.1", port: 0)
        let double = try await KubeDouble.start()
        let kubelet = try LocalKubelet(double: double, logger: logger)
        await kubelet.start()
        let runner = try await RunnerEnd.register(address: forgejo.baseURL, registrationToken: forgejo.registrationToken, capacity: 1, reportInterval: .seconds(1))
        let kube = try KubeClient(configuration: double.configuration, logger: logger)
        let configuration = KubeController.Configuration(
            settings: KubernetesSettings(agentImage: "localhost/hearth:bench", startTimeout: .seconds(120)), namespace: "default",
            runnerID: runner.registration.uuid, labels: runner.settings.backends.labels, daemon: runner.settings, controllerURL: nil,
            agentImage: "localhost/hearth:bench", sweepInterval: .seconds(3600))
        let controller = KubeController(
            configuration: configuration, kube: kube, reporting: runner.client, tokens: AgentTokens(secret: runner.registration.token), logger: logger)
        _ = try await controller.start(host: "127.0.0.1", port: 0)

        let workflow = """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: date +%s%N > '\(marker)'
                  - run: echo second step
            """
        var total: [Double] = []
        var podStart: [Double] = []
        var overhead: [Double] = []
        var beforePod: [Double] = []
        var afterRunning: [Double] = []
        // One warm-up job (first connections, first engine run), then the measured ones.
        for index in 0...jobs {
            try forgejo.queue(workflowYAML: workflow)
            guard let task = try await runner.fetchTasks(1).first else { throw Bench.Failure("no task") }
            unlink(marker)
            let called = Date()
            let result = await controller.execute(task: task, client: runner.client, cancellation: CancellationSignal())
            guard result == .success else { throw Bench.Failure("job \(index) ended \(result.rawValue)") }
            guard let text = try? String(contentsOfFile: marker, encoding: .utf8), let nanoseconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let pod = kubelet.timing(taskID: task.id)
            else { throw Bench.Failure("job \(index): no start time of the first step or of the pod") }
            let stepStarted = nanoseconds / 1e9
            await kubelet.waitUntilGone(taskID: task.id)
            guard index > 0 else { continue }
            let elapsed = stepStarted - called.timeIntervalSince1970
            let pending = pod.running.timeIntervalSince(pod.seen)
            total.append(elapsed)
            podStart.append(pending)
            overhead.append(elapsed - pending)
            beforePod.append(pod.seen.timeIntervalSince(called))
            afterRunning.append(stepStarted - pod.running.timeIntervalSince1970)
        }

        await controller.stop()
        await kube.shutdown()
        await runner.shutdown()
        await kubelet.stop()
        await double.stop()
        await forgejo.stop()

        func ms(_ samples: [Double], _ fraction: Double) -> Double { Bench.percentile(samples, fraction) * 1000 }
        print("kube-start: \(jobs) jobs one after another (after one warm-up), real shim + agent per pod, API double")
        print(String(format: "  execute → first step process:     p50 %7.1f ms, p90 %7.1f ms", ms(total, 0.5), ms(total, 0.9)))
        print(String(format: "  pod's own start (seen → Running): p50 %7.1f ms, p90 %7.1f ms (shim + agent launched, pod marked Running)",
                     ms(podStart, 0.5), ms(podStart, 0.9)))
        print(String(format: "    execute → pod and Secret seen:  p50 %7.1f ms", ms(beforePod, 0.5)))
        print(String(format: "    Running → first step process:   p50 %7.1f ms", ms(afterRunning, 0.5)))
        print(String(format: "  overhead beyond the pod's start:  p50 %7.1f ms, p90 %7.1f ms (target ≤ 1000 ms)", ms(overhead, 0.5), ms(overhead, 0.9)))
        print("  load average: \(Bench.loadAverage)")
    }
}

/// Plays the kubelet for the API double (as the tests' `KubeletDouble` does): a job pod whose
/// Secret exists gets its step shim under `/bin/sh` and the real agent on this machine, then is
/// marked Running; a deleted pod stops here too. Records when each pod was seen and ran.
final class LocalKubelet: Sendable {
    struct Timing: Sendable {
        var seen: Date
        var running: Date
    }

    private let double: KubeDouble
    private let client: KubeClient
    private let pods: KubeInformer
    private let secrets: KubeInformer
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var claimed: Set<String> = []
        var started: [String: LocalPod] = [:]
        var timings: [Int64: Timing] = [:]
        var podOfTask: [Int64: String] = [:]
        var watching: [Task<Void, Never>] = []
    }

    init(double: KubeDouble, logger: Logger) throws {
        self.double = double
        self.logger = logger
        client = try KubeClient(configuration: double.configuration, logger: logger)
        pods = KubeInformer(client: client, resource: .pods, namespace: "default", logger: logger)
        secrets = KubeInformer(client: client, resource: .secrets, namespace: "default", logger: logger)
    }

    func start() async {
        let handler: KubeInformer.Handler = { [weak self] _ in
            guard let self else { return }
            Task { await self.reconcile() }
        }
        _ = pods.addHandler(handler)
        _ = secrets.addHandler(handler)
        let (pods, secrets) = (self.pods, self.secrets)
        let tasks = [Task { await pods.run() }, Task { await secrets.run() }]
        state.withLock { $0.watching = tasks }
        await pods.waitUntilSynced()
        await secrets.waitUntilSynced()
    }

    func timing(taskID: Int64) -> Timing? { state.withLock { $0.timings[taskID] } }

    /// Waits until the task's pod was deleted and its local processes stopped.
    func waitUntilGone(taskID: Int64) async {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let gone = state.withLock { state in state.podOfTask[taskID].map { state.started[$0] == nil } ?? true }
            if gone { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func reconcile() async {
        for pod in pods.objects() {
            guard let name = pod.objectName, pod[path: "metadata", "deletionTimestamp"] == nil, let secret = secrets.object(named: name),
                let token = PodFarm.secretValue(secret, key: PodLayout.tokenKey)
            else { continue }
            guard state.withLock({ $0.claimed.insert(name).inserted }) else { continue }
            let seen = Date()
            let environment = PodFarm.agentEnvironment(pod)
            guard let url = environment[PodLayout.controllerURLVariable], let taskID = environment[PodLayout.taskIDVariable].flatMap({ Int64($0) }) else { continue }
            do {
                let local = try await LocalPod(controllerURL: url, taskID: taskID, token: token, logger: logger)
                state.withLock {
                    $0.started[name] = local
                    $0.podOfTask[taskID] = name
                }
                _ = try await double.runPod(namespace: "default", name: name)
                let running = Date()
                state.withLock { $0.timings[taskID] = Timing(seen: seen, running: running) }
            } catch {
                logger.error("local kubelet: pod \(name) cannot start: \(error)")
            }
        }
        let present = Set(pods.objects().compactMap(\.objectName))
        let gone = state.withLock { state -> [LocalPod] in
            let names = state.started.keys.filter { !present.contains($0) }
            return names.compactMap { state.started.removeValue(forKey: $0) }
        }
        for pod in gone { await pod.remove() }
    }

    func stop() async {
        let (tasks, running) = state.withLock { state in
            defer {
                state.watching = []
                state.started = [:]
            }
            return (state.watching, Array(state.started.values))
        }
        for task in tasks { task.cancel() }
        for pod in running { await pod.remove() }
        await client.shutdown()
    }
}

/// A job pod on this machine: the step shim under `/bin/sh` and the agent, sharing a directory
/// as their volume.
final class LocalPod: Sendable {
    let root: String
    let shim: any RunningProcess
    let agent: Task<Void, any Error>

    init(controllerURL: String, taskID: Int64, token: String, logger: Logger) async throws {
        root = try Bench.temporaryDirectory("hearth-kube-pod")
        try FileManager.default.createDirectory(atPath: "\(root)/_hearth", withIntermediateDirectories: true)
        let host = try HostEnvironment(workspace: root, runnerTemp: "\(root)/_host_temp", toolCache: nil)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HEARTH_SHIM_DIR": "\(root)/_hearth"]
        shim = try await host.start(ProcessSpec(executable: "/bin/sh", arguments: ["-c", StepShim.script], environment: environment, workingDirectory: root))
        let options = StepAgent.Options(controllerURL: controllerURL, taskID: taskID, token: token, root: root, startTimeout: .seconds(60))
        let agent = StepAgent(options: options, logger: logger)
        self.agent = Task { try await agent.run() }
    }

    func remove() async {
        agent.cancel()
        _ = await agent.result
        if let link = try? ShimLink(directory: "\(root)/_hearth") { link.send("exit") }
        _ = await shim.waitForExit()
        try? FileManager.default.removeItem(atPath: root)
    }
}
