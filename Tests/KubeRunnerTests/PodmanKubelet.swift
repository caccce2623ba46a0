import Backends
import Foundation
import Kube
import KubePod
import KubeTestDouble
import Logging
import Synchronization
import Testing
@testable import KubeRunner

/// Plays the kubelet with real containers: each job pod the controller creates in the API double
/// is run by `podman kube play` on an IPv6-only Podman network, with the real `hearth` binary as
/// its agent. What the test changes in the pod before playing it, and why:
///
/// - the agent image becomes `localhost/debian-ci:slim` with the built `hearth` binary and the
///   Swift runtime mounted from this machine (no Hearth image can be built here);
/// - the Secret volume becomes a host directory holding the token file, and `secretKeyRef` and
///   `fieldRef` env entries become plain values (4.3 does not know `metadata.namespace`): Podman 4.3's `kube play` crashes on Secret volumes
///   (nil pointer in `VolumeFromSecret`). Real Secrets are covered by the API-double tests.
final class PodmanKubelet: Sendable {
    let double: KubeDouble
    let network: String
    let scratch: String
    private let client: KubeClient
    private let pods: KubeInformer
    private let secrets: KubeInformer
    private let state = Mutex(State())
    private let changes = AsyncSignal()

    private struct State {
        var claimed: Set<String> = []
        var playing: Set<String> = []
        var watching: [Task<Void, Never>] = []
        var failures: [String] = []
    }

    init(double: KubeDouble, network: String) throws {
        self.double = double
        self.network = network
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-kubeplay-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        client = try KubeClient(configuration: double.configuration, logger: ForgejoEnd.quietLogger)
        pods = KubeInformer(client: client, resource: .pods, namespace: "default", logger: ForgejoEnd.quietLogger)
        secrets = KubeInformer(client: client, resource: .secrets, namespace: "default", logger: ForgejoEnd.quietLogger)
    }

    func start() async {
        let handler: KubeInformer.Handler = { [weak self] _ in
            guard let self else { return }
            self.changes.signal()
            Task { await self.reconcile() }
        }
        _ = pods.addHandler(handler)
        _ = secrets.addHandler(handler)
        let (pods, secrets) = (self.pods, self.secrets)
        state.withLock { $0.watching = [Task { await pods.run() }, Task { await secrets.run() }] }
        await pods.waitUntilSynced()
        await secrets.waitUntilSynced()
    }

    var failures: [String] { state.withLock { $0.failures } }

    func waitUntil(timeout: Duration = .seconds(120), _ condition: (_ pods: [JSONValue]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(pods.objects()) { return true }
            await changes.wait(timeout: .milliseconds(500))
        }
        return condition(pods.objects())
    }

    private func reconcile() async {
        for pod in pods.objects() {
            guard let name = pod.objectName, let secret = secrets.object(named: name) else { continue }
            guard state.withLock({ $0.claimed.insert(name).inserted }) else { continue }
            do {
                let file = try prepare(pod, secret: secret)
                let result = await Self.run(["podman", "kube", "play", "--network", network, file])
                guard result.code == 0 else {
                    state.withLock { $0.failures.append("kube play \(name): \(result.output)") }
                    continue
                }
                state.withLock { _ = $0.playing.insert(name) }
                _ = try await double.runPod(namespace: "default", name: name)
            } catch {
                state.withLock { $0.failures.append("\(name): \(error)") }
            }
        }
        let present = Set(pods.objects().compactMap(\.objectName))
        let gone = state.withLock { state -> [String] in
            let names = state.playing.filter { !present.contains($0) }
            state.playing.subtract(names)
            return Array(names)
        }
        for name in gone { _ = await Self.run(["podman", "pod", "rm", "-f", "-t", "2", name]) }
    }

    /// The pod as `kube play` can run it here (see the type's comment).
    private func prepare(_ pod: JSONValue, secret: JSONValue) throws -> String {
        let name = pod.objectName ?? "pod"
        var values: [String: String] = [:]
        for (key, value) in secret["data"]?.objectValue ?? [:] {
            if let text = value.stringValue, let data = Data(base64Encoded: text) { values[key] = String(decoding: data, as: UTF8.self) }
        }
        let tokenDirectory = "\(scratch)/\(name)-token"
        try FileManager.default.createDirectory(atPath: tokenDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: "\(tokenDirectory)/token", contents: Data((values["token"] ?? "").utf8), attributes: [.posixPermissions: 0o644]) else {
            throw StepAgent.Failure(description: "cannot write the token file")
        }
        var pod = pod
        pod["status"] = nil
        var spec = pod["spec"] ?? [:]
        var volumes = (spec["volumes"]?.arrayValue ?? []).map { volume -> JSONValue in
            guard volume["name"]?.stringValue == PodLayout.tokenVolume else { return volume }
            return ["name": .string(PodLayout.tokenVolume), "hostPath": ["path": .string(tokenDirectory), "type": "Directory"]]
        }
        volumes.append(["name": "hearth-binary", "hostPath": ["path": .string(Self.hearthBinary), "type": "File"]])
        volumes.append(["name": "swift-runtime", "hostPath": ["path": .string(Self.swiftRuntime), "type": "Directory"]])
        // The agent image would ship node; here this machine's node stands in (debian-ci:slim has its libraries).
        volumes.append(["name": "agent-node", "hostPath": ["path": .string(Self.hostNode), "type": "File"]])
        spec["volumes"] = .array(volumes)
        spec["containers"] = .array((spec["containers"]?.arrayValue ?? []).map { container -> JSONValue in
            var container = container
            container["env"] = .array((container["env"]?.arrayValue ?? []).map { entry -> JSONValue in
                if let key = entry[path: "valueFrom", "secretKeyRef", "key"]?.stringValue {
                    return ["name": entry["name"] ?? "", "value": .string(values[key] ?? "")]
                }
                // Podman 4.3 knows metadata.name but not metadata.namespace.
                if let field = entry[path: "valueFrom", "fieldRef", "fieldPath"]?.stringValue {
                    let value = field == "metadata.namespace" ? (pod.objectNamespace ?? "default") : name
                    return ["name": entry["name"] ?? "", "value": .string(value)]
                }
                return entry
            })
            if container["name"]?.stringValue == PodLayout.agentContainer {
                container["image"] = "localhost/debian-ci:slim"
                container["command"] = ["/usr/local/bin/hearth", "agent"]
                var mounts = container["volumeMounts"]?.arrayValue ?? []
                mounts.append(["name": "hearth-binary", "mountPath": "/usr/local/bin/hearth", "readOnly": true])
                mounts.append(["name": "swift-runtime", "mountPath": .string(Self.swiftRuntime), "readOnly": true])
                mounts.append(["name": "agent-node", "mountPath": "/usr/local/bin/node", "readOnly": true])
                container["volumeMounts"] = .array(mounts)
            }
            return container
        })
        pod["spec"] = spec
        let file = "\(scratch)/\(name).yaml"
        guard FileManager.default.createFile(atPath: file, contents: pod.jsonData()) else {
            throw StepAgent.Failure(description: "cannot write \(file)")
        }
        return file
    }

    func stop() async {
        let (tasks, claimed) = state.withLock { state in
            defer { state.watching = []; state.playing = [] }
            return (state.watching, Array(state.claimed))
        }
        for task in tasks { task.cancel() }
        for name in claimed { _ = await Self.run(["podman", "pod", "rm", "-f", "--ignore", "-t", "2", name]) }
        await client.shutdown()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// The `hearth` executable built beside the test bundle.
    static var hearthBinary: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hearth").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/hearth"
    }

    /// This machine's node binary (symlinks resolved).
    static var hostNode: String {
        let found = ExecutableLookup.resolve("node", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/node"
        return (found as NSString).resolvingSymlinksInPath
    }

    /// Where the Swift runtime libraries the binary links live (its RUNPATH).
    static var swiftRuntime: String {
        for candidate in ["/opt/swift/usr/lib/swift/linux", "/usr/lib/swift/linux", "/usr/share/swift/usr/lib/swift/linux"]
        where FileManager.default.fileExists(atPath: "\(candidate)/libswiftCore.so") {
            return candidate
        }
        return "/usr/lib/swift/linux"
    }

    /// Runs a command to its end; output is stdout and stderr merged.
    static func run(_ command: [String]) async -> (code: Int32, output: String) {
        guard let host = try? HostEnvironment(workspace: "/tmp", runnerTemp: NSTemporaryDirectory(), toolCache: nil) else { return (-1, "no host") }
        let spec = ProcessSpec(
            executable: command[0], arguments: Array(command.dropFirst()),
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], workingDirectory: "/tmp")
        guard let process = try? await host.start(spec) else { return (-1, "cannot start \(command[0])") }
        let (lines, code) = await process.collect()
        return (code, lines.joined(separator: "\n"))
    }
}
