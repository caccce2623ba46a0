import Backends
import Engine
import Forgejo
import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import KubePod
import Logging
@testable import KubeRunner

/// The Forgejo double, a registered runner and its client: the Forgejo end of every KubeRunner
/// test.
struct ForgejoEnd {
    let double: ForgejoDouble
    let registration: RunnerRegistration
    let connection: ConnectClient
    let client: RunnerClient
    let settings: DaemonSettings

    static func start(labels: [String] = ["k8s:docker://localhost/busybox:test"], defaultActionsURL: String? = nil) async throws -> ForgejoEnd {
        var configuration = ForgejoDouble.Configuration()
        configuration.defaultActionsURL = defaultActionsURL
        let double = ForgejoDouble(configuration: configuration)
        _ = try await double.start(host: "127.0.0.1", port: 0)
        let registration = try await Registrar.register(
            address: double.baseURL, token: double.registrationToken, name: "kube-e2e", labels: labels, version: "test",
            pingAttempts: 3, pingInterval: .milliseconds(100))
        let connection = try ConnectClient(address: registration.address, uuid: registration.uuid, token: registration.token, timeout: .seconds(10))
        let settings = DaemonSettings(
            version: "test", address: registration.address, runnerName: registration.name, capacity: 4,
            fetchInterval: .milliseconds(50), fetchTimeout: .seconds(5),
            reportTiming: ReportTiming(interval: .milliseconds(100), maxRetries: 20, initialDelay: .milliseconds(50), maxDelay: .seconds(1)),
            terminationGrace: .seconds(2), workdirParent: "/nonexistent", actionCache: "/nonexistent",
            backends: BackendSelection(labels: RunnerLabel.parseAll(registration.labels).labels, workdirParent: "/nonexistent"))
        return ForgejoEnd(double: double, registration: registration, connection: connection, client: RunnerClient(connection: connection), settings: settings)
    }

    func stop() async {
        try? await connection.shutdown()
        await double.stop()
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "kube-test")
        logger.logLevel = ProcessInfo.processInfo.environment["HEARTH_TEST_LOG"] == nil ? .warning : .debug
        return logger
    }
}

/// A job "pod" on this machine: the real step shim under /bin/sh and the real agent in this
/// process, sharing a temporary directory as their volume — everything a pod does except being
/// scheduled by Kubernetes.
final class LocalPod: Sendable {
    let shim: ShimHarness
    let agent: Task<Void, any Error>
    /// The `hearth agent` process, when the pod runs the binary.
    let agentProcess: (any RunningProcess)?

    /// `agentBinary`: run `hearth agent` as its own process (as in a real pod) instead of in
    /// this process.
    init(controllerURL: String, taskID: Int64, token: String, agentBinary: String? = nil) async throws {
        shim = try await ShimHarness.start(link: false)
        if let agentBinary {
            let root = shim.root
            let tokenFile = "\(root)/token"
            guard FileManager.default.createFile(atPath: tokenFile, contents: Data(token.utf8)) else {
                throw StepAgent.Failure(description: "cannot write \(tokenFile)")
            }
            let host = try HostEnvironment(workspace: root, runnerTemp: "\(root)/_agent_temp", toolCache: nil)
            let process = try await host.start(ProcessSpec(
                executable: agentBinary, arguments: ["agent"],
                environment: [
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root,
                    PodLayout.controllerURLVariable: controllerURL, PodLayout.taskIDVariable: String(taskID),
                    PodLayout.tokenFileVariable: tokenFile, PodLayout.workDirectoryVariable: root,
                ],
                workingDirectory: root))
            agentProcess = process
            self.agent = Task {
                let (lines, code) = await process.collect()
                if code != 0 { throw StepAgent.Failure(description: "hearth agent exited \(code): \(lines.suffix(20).joined(separator: "\n"))") }
            }
        } else {
            let options = StepAgent.Options(controllerURL: controllerURL, taskID: taskID, token: token, root: shim.root, startTimeout: .seconds(60))
            let agent = StepAgent(options: options, logger: ForgejoEnd.quietLogger)
            agentProcess = nil
            self.agent = Task { try await agent.run() }
        }
    }

    func waitUntilDone() async throws {
        try await agent.value
        _ = await shim.shim.waitForExit()
    }

    func remove() async {
        agent.cancel()
        agentProcess?.terminate(grace: .seconds(1))
        await shim.stop()
    }
}
