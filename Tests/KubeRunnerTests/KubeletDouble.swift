import Foundation
import Kube
import KubePod
import KubeTestDouble
import Logging
import Synchronization
@testable import KubeRunner

/// Plays the kubelet for the API double: when a job pod and its Secret exist, it marks the pod
/// running (services ready) and starts the pod's two Hearth parts on this machine — the step shim
/// and the agent, with the controller URL and the token file the pod spec names.
final class KubeletDouble: Sendable {
    let double: KubeDouble
    let namespace: String
    private let client: KubeClient
    private let pods: KubeInformer
    private let secrets: KubeInformer
    private let state = Mutex(State())
    private let changes = AsyncSignal()

    private struct State {
        var claimed: Set<String> = []
        var started: [String: LocalPod] = [:]
        var watching: [Task<Void, Never>] = []
        var holds: Set<String> = []
        var maxPods = 0
    }

    /// Run `hearth agent` processes from this binary instead of agents in the test process.
    let agentBinary: String?

    init(double: KubeDouble, namespace: String = "default", agentBinary: String? = nil) throws {
        self.double = double
        self.namespace = namespace
        self.agentBinary = agentBinary
        client = try KubeClient(configuration: double.configuration, logger: ForgejoEnd.quietLogger)
        pods = KubeInformer(client: client, resource: .pods, namespace: namespace, logger: ForgejoEnd.quietLogger)
        secrets = KubeInformer(client: client, resource: .secrets, namespace: namespace, logger: ForgejoEnd.quietLogger)
    }

    /// Pods named here are left Pending: the test sets their state itself.
    func hold(_ podName: String) { state.withLock { _ = $0.holds.insert(podName) } }

    func start() async {
        let handler: KubeInformer.Handler = { [weak self] _ in
            guard let self else { return }
            let count = self.pods.objects().count
            self.state.withLock { $0.maxPods = max($0.maxPods, count) }
            self.changes.signal()
            Task { await self.reconcile() }
        }
        _ = pods.addHandler(handler)
        _ = secrets.addHandler(handler)
        let pods = self.pods
        let secrets = self.secrets
        let tasks = [Task { await pods.run() }, Task { await secrets.run() }]
        state.withLock { $0.watching = tasks }
        await pods.waitUntilSynced()
        await secrets.waitUntilSynced()
    }

    private func reconcile() async {
        for pod in pods.objects() {
            guard let name = pod.objectName, pod[path: "metadata", "deletionTimestamp"] == nil,
                let secret = secrets.object(named: name),
                let token = Self.secretValue(secret, key: PodLayout.tokenKey)
            else { continue }
            let claim = state.withLock { state -> Bool in
                guard !state.holds.contains(name) else { return false }
                return state.claimed.insert(name).inserted
            }
            guard claim else { continue }
            let environment = Self.agentEnvironment(pod)
            guard let url = environment[PodLayout.controllerURLVariable], let taskID = environment[PodLayout.taskIDVariable].flatMap({ Int64($0) }) else { continue }
            do {
                let local = try await LocalPod(controllerURL: url, taskID: taskID, token: token, agentBinary: agentBinary)
                state.withLock { $0.started[name] = local }
                _ = try await double.runPod(namespace: namespace, name: name)
            } catch {
                continue
            }
        }
        // Pods deleted through the API stop running here too.
        let present = Set(pods.objects().compactMap(\.objectName))
        let gone = state.withLock { state -> [LocalPod] in
            let names = state.started.keys.filter { !present.contains($0) }
            return names.compactMap { state.started.removeValue(forKey: $0) }
        }
        for pod in gone { await pod.remove() }
    }

    /// Waits (woken by every pod or Secret event) until `condition` holds; false after `timeout`.
    func waitUntil(timeout: Duration = .seconds(60), _ condition: (_ pods: [JSONValue], _ secrets: [JSONValue]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(pods.objects(), secrets.objects()) { return true }
            await changes.wait(timeout: .milliseconds(500))
        }
        return condition(pods.objects(), secrets.objects())
    }

    /// The most job pods that existed at once.
    var maxPods: Int { state.withLock { $0.maxPods } }

    /// The running local pod of a job pod.
    func localPod(_ name: String) -> LocalPod? { state.withLock { $0.started[name] } }

    func stop() async {
        let (tasks, running) = state.withLock { state in
            defer { state.watching = []; state.started = [:] }
            return (state.watching, Array(state.started.values))
        }
        for task in tasks { task.cancel() }
        for pod in running { await pod.remove() }
        await client.shutdown()
    }

    static func secretValue(_ secret: JSONValue, key: String) -> String? {
        if let encoded = secret[path: "data", key]?.stringValue, let data = Data(base64Encoded: encoded) {
            return String(decoding: data, as: UTF8.self)
        }
        return secret[path: "stringData", key]?.stringValue
    }

    static func agentEnvironment(_ pod: JSONValue) -> [String: String] {
        let agent = pod[path: "spec", "containers"]?.arrayValue?.first { $0["name"]?.stringValue == PodLayout.agentContainer }
        var environment: [String: String] = [:]
        for entry in agent?["env"]?.arrayValue ?? [] {
            if let name = entry["name"]?.stringValue, let value = entry["value"]?.stringValue { environment[name] = value }
        }
        return environment
    }
}
