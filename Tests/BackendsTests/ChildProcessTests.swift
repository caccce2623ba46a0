import Backends
import Foundation
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    let environment = ProcessInfo.processInfo.environment

    func spec(_ script: String, directory: String = "/tmp") -> ProcessSpec {
        ProcessSpec(executable: "bash", arguments: ["-c", script], environment: environment, workingDirectory: directory)
    }

    func collect(_ process: ChildProcess) async -> [String] {
        var lines: [String] = []
        for await line in process.lines { lines.append(line) }
        return lines
    }

    @Test("stdout and stderr arrive as ordered lines with the exit code")
    func outputAndExitCode() async throws {
        let process = try ChildProcess.launch(spec("echo one; echo two >&2; printf 'no newline'; exit 3"))
        let lines = await collect(process)
        #expect(lines == ["one", "two", "no newline"])
        #expect(await process.waitForExit() == 3)
    }

    @Test("the working directory and environment are the ones given")
    func workingDirectoryAndEnvironment() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cp-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ChildProcess.launch(ProcessSpec(
            executable: "sh", arguments: ["-c", "pwd; echo $ONLY"], environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"], workingDirectory: directory))
        #expect(await collect(process) == [directory, "this"])
    }

    @Test("a background process holding the pipe does not keep the step open")
    func backgroundProcessDoesNotHang() async throws {
        let process = try ChildProcess.launch(spec("sleep 30 & echo started"))
        let started = ContinuousClock.now
        #expect(await collect(process) == ["started"])
        #expect(await process.waitForExit() == 0)
        #expect(ContinuousClock.now - started < .seconds(25), "before the 30 s background sleep ends")
        process.signalGroup(SIGKILL)
    }

    @Test("terminate sends SIGTERM to the whole group, then SIGKILL after the grace period")
    func terminateGroup() async throws {
        // The shell ignores SIGTERM, so only SIGKILL after the grace period ends it.
        let process = try ChildProcess.launch(spec("trap '' TERM; echo ready; while :; do :; done"))
        var iterator = process.lines.makeAsyncIterator()
        #expect(await iterator.next() == "ready")
        process.terminate(grace: .milliseconds(200))
        #expect(await process.waitForExit() == 128 + SIGKILL)
        #expect(process.wasTerminated)
    }

    @Test("a trapped SIGTERM lets the process finish by itself")
    func terminateGracefully() async throws {
        let process = try ChildProcess.launch(spec("trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 0.05; done"))
        var iterator = process.lines.makeAsyncIterator()
        #expect(await iterator.next() == "ready")
        process.terminate(grace: .seconds(30))
        var rest: [String] = []
        while let line = await iterator.next() { rest.append(line) }
        #expect(rest.contains("got TERM"))
        #expect(await process.waitForExit() == 7)
    }

    @Test("a missing program or directory is a clear launch error")
    func launchErrors() {
        #expect(throws: ProcessLaunchError.self) {
            try ChildProcess.launch(ProcessSpec(executable: "no-such-program-hearth", environment: environment, workingDirectory: "/tmp"))
        }
        do {
            _ = try ChildProcess.launch(spec("true", directory: "/no/such/dir"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/no/such/dir"))
        }
    }

    @Test("very long lines are split, not buffered without bound")
    func longLines() async throws {
        let process = try ChildProcess.launch(spec("head -c 200000 /dev/zero | tr '\\\\0' x"))
        let lines = await collect(process)
        #expect(lines.map(\.count).reduce(0, +) == 200_000)
        #expect(lines.allSatisfy { $0.utf8.count <= 64 * 1024 })
    }

    @Test("a step inherits no descriptor of Hearth's besides stdin, stdout and stderr")
    func noInheritedDescriptors() async throws {
        let leaky = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        defer { close(leaky) }
        let process = try ChildProcess.launch(spec("ls /proc/$$/fd"))
        let descriptors = Set(await collect(process))
        #expect(!descriptors.contains(String(leaky)), "descriptor \(leaky) leaked into the step")
        #expect(descriptors.isSuperset(of: ["0", "1", "2"]))
    }
}
