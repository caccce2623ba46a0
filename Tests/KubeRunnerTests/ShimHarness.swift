import Backends
import Foundation
import KubePod
@testable import KubeRunner

/// The step shim running for real under `/bin/sh` on this machine, with its plumbing in a temporary
/// directory, and the agent's link to it: what a job pod's two containers do, minus Kubernetes.
struct ShimHarness {
    let root: String
    let shim: any RunningProcess
    /// The agent's link, when the test plays the agent itself (a second reader would steal the
    /// shim's reports from the real agent).
    let link: ShimLink!

    static func start(extraEnvironment: [String: String] = [:], link makeLink: Bool = true) async throws -> ShimHarness {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-shim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(root)/_hearth", withIntermediateDirectories: true)
        let host = try HostEnvironment(workspace: root, runnerTemp: "\(root)/_host_temp", toolCache: nil)
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HEARTH_SHIM_DIR": "\(root)/_hearth"]
        environment.merge(extraEnvironment) { _, new in new }
        let shim = try await host.start(ProcessSpec(executable: "/bin/sh", arguments: ["-c", StepShim.script], environment: environment, workingDirectory: root))
        let link = makeLink ? try ShimLink(directory: "\(root)/_hearth") : nil
        return ShimHarness(root: root, shim: shim, link: link)
    }

    func stop() async {
        let link = self.link ?? (try? ShimLink(directory: "\(root)/_hearth"))
        link?.send("exit")
        _ = await shim.waitForExit()
        link?.close()
        try? FileManager.default.removeItem(atPath: root)
    }
}

extension RunningProcess {
    /// Every output line and the exit code.
    func collect() async -> (lines: [String], code: Int32) {
        var lines: [String] = []
        for await line in self.lines { lines.append(line) }
        return (lines, await waitForExit())
    }
}
