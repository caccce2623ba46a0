import Foundation
import Kube
import Logging
import Testing

/// The built `hearth-kube-double` next to the test bundle, when this build has it.
let kubeDoubleExecutable: String = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    return directory + "/hearth-kube-double"
}()

@Suite("hearth-kube-double", .enabled(if: FileManager.default.isExecutableFile(atPath: kubeDoubleExecutable)))
struct ExecutableTests {
    @Test func servesPrintsItsURLAndStopsOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        let server = try RunningProcess(kubeDoubleExecutable, ["--host", "::1", "--port", "0", "--auto-run-pods"],
                                        environment: ["PATH": "/usr/bin:/bin"], directory: directory)
        do {
            try await eventually("the URL") { server.standardOutput.contains("\n") || !server.process.isRunning }
            let url = server.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(url.hasPrefix("http://[::1]:"), "\(server.standardError)")
            let client = try KubeClient(configuration: KubeConfiguration(server: url), retry: fastRetry, logger: Logger(label: "t"))
            _ = try await client.create(.pods, namespace: "default", podManifest("exe"))
            try await eventually("Running") {
                try await client.get(.pods, namespace: "default", name: "exe")[path: "status", "phase"] == "Running"
            }
            let stats = try await client.getRaw(path: "/_double/stats")
            #expect(stats[path: "requests", "create pods"] == 1)
            await client.shutdown()
        } catch {
            await server.stop()
            throw error
        }
        server.process.terminate()
        #expect(await server.waitForExit(timeout: .seconds(10)))
        #expect(server.process.terminationStatus == 0)
    }
}
