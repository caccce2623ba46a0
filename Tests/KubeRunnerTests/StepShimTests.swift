import Backends
import Foundation
import Testing
@testable import KubeRunner

@Suite("Step shim: processes in the job container, driven through FIFOs")
struct StepShimTests {
    @Test("a process gets exactly the engine's environment, its working directory and its exit code")
    func environmentAndExitCode() async throws {
        let harness = try await ShimHarness.start(extraEnvironment: ["FROM_IMAGE": "image value"])
        defer { Task { await harness.stop() } }
        #expect(await harness.link.waitUntilReady(timeout: .seconds(30)))
        let environment = ShimEnvironment(link: harness.link, root: harness.root)
        #expect(environment.baseEnvironment()["FROM_IMAGE"] == "image value")
        #expect(environment.baseEnvironment()["HEARTH_SHIM_DIR"] == nil)

        try FileManager.default.createDirectory(atPath: "\(harness.root)/workspace/sub dir", withIntermediateDirectories: true)
        let spec = ProcessSpec(
            executable: "sh", arguments: ["-c", "echo \"$GREETING\"; pwd; env | grep -c FROM_IMAGE; printf 'no newline'; exit 7"],
            environment: ["PATH": "/usr/bin:/bin", "GREETING": "it's \"quoted\"\nand two lines"],
            workingDirectory: "\(harness.root)/workspace/sub dir")
        let (lines, code) = try await environment.start(spec).collect()
        #expect(code == 7)
        #expect(lines == ["it's \"quoted\"", "and two lines", "\(harness.root)/workspace/sub dir", "0", "no newline"])
    }

    @Test("a missing working directory fails the process with a message")
    func missingDirectory() async throws {
        let harness = try await ShimHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.link.waitUntilReady(timeout: .seconds(30)))
        let environment = ShimEnvironment(link: harness.link, root: harness.root)
        let (lines, code) = try await environment.start(ProcessSpec(executable: "true", environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/nonexistent/dir")).collect()
        #expect(code == 1)
        #expect(lines.contains { $0.contains("'/nonexistent/dir' does not exist") })
    }

    @Test("terminate sends SIGTERM to the whole process group, SIGKILL after the grace")
    func terminate() async throws {
        let harness = try await ShimHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.link.waitUntilReady(timeout: .seconds(30)))
        let environment = ShimEnvironment(link: harness.link, root: harness.root)
        let marker = "\(harness.root)/child-alive"
        // A child in the background and a parent that ignores TERM: the group gets TERM (the child
        // dies of it), the parent only dies of the KILL after the grace.
        let spec = ProcessSpec(
            executable: "sh",
            arguments: ["-c", "(trap 'exit 0' TERM; touch '\(marker)'; while :; do sleep 1; done) & trap '' TERM; echo started; while :; do sleep 1; done"],
            environment: ["PATH": "/usr/bin:/bin"], workingDirectory: harness.root)
        let process = try await environment.start(spec)
        var iterator = process.lines.makeAsyncIterator()
        #expect(await iterator.next() == "started")
        let begun = ContinuousClock.now
        process.terminate(grace: .milliseconds(500))
        let code = await process.waitForExit()
        #expect(code == 128 + 9)
        #expect(ContinuousClock.now - begun < .seconds(60), "the parent loops forever unless SIGKILL follows the grace")
    }

    @Test("a background child that keeps the output open does not hold the step")
    func backgroundChild() async throws {
        let harness = try await ShimHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.link.waitUntilReady(timeout: .seconds(30)))
        let environment = ShimEnvironment(link: harness.link, root: harness.root)
        let begun = ContinuousClock.now
        let process = try await environment.start(ProcessSpec(
            executable: "sh", arguments: ["-c", "sleep 30 & echo done"], environment: ["PATH": "/usr/bin:/bin"], workingDirectory: harness.root))
        let code = await process.waitForExit()
        #expect(code == 0)
        #expect(ContinuousClock.now - begun < .seconds(25), "before the 30 s background sleep ends")
    }

    @Test("programs are looked up in the job container")
    func hasProgram() async throws {
        let harness = try await ShimHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.link.waitUntilReady(timeout: .seconds(30)))
        let environment = ShimEnvironment(link: harness.link, root: harness.root)
        #expect(await environment.hasProgram("sh", path: "/usr/bin:/bin"))
        #expect(await environment.hasProgram("hearth-no-such-program", path: "/usr/bin:/bin") == false)
    }

    @Test("the shim's readiness times out when no shim runs")
    func noShim() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-noshim-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let link = try ShimLink(directory: root)
        defer { link.close() }
        #expect(await link.waitUntilReady(timeout: .milliseconds(300)) == false)
    }
}
