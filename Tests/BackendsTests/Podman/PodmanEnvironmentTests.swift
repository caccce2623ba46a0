@testable import Backends
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Podman environment: steps in a job container", .disabled(if: PodmanTestSupport.skipRequested, PodmanTestSupport.skipReason))
struct PodmanEnvironmentTests {
    typealias Support = PodmanTestSupport

    @Test("a step's output, exit code, environment and working directory; files shared through hostPath; nothing left afterwards")
    func stepInBusybox() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("Build / test (ubuntu)")
            var options = PodmanEnvironmentOptions()
            options.workspacePath = "/workspace/owner/repo"
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            #expect(environment.kind == "podman")
            #expect(environment.supportsContainers)
            #expect(environment.workspace == "/workspace/owner/repo")
            #expect(environment.baseEnvironment()["PATH"] == "/bin")
            #expect(environment.podName.hasPrefix("hearth-build---test--ubuntu-"))

            let first = try await Support.run(environment, "echo out; echo err >&2; echo \"$GREETING\"; pwd; exit 3", variables: ["GREETING": "hello there"])
            #expect(first.exitCode == 3)
            #expect(first.lines == ["out", "err", "hello there", "/workspace/owner/repo"])
            let interleaved = try await Support.run(environment, "for i in 1 2 3; do echo o$i; echo e$i >&2; done; printf 'no newline'")
            #expect(interleaved.lines == ["o1", "e1", "o2", "e2", "o3", "e3", "no newline"])

            // The container writes, the host reads; the host writes, the container reads.
            let written = try await Support.run(environment, "mkdir -p sub && echo from-container > sub/a.txt && echo done")
            #expect(written == (["done"], 0))
            let hostFile = environment.hostPath(for: "/workspace/owner/repo/sub/a.txt")
            #expect(hostFile != "/workspace/owner/repo/sub/a.txt")
            #expect(try String(contentsOfFile: hostFile, encoding: .utf8) == "from-container\n")
            let tempFile = environment.hostPath(for: "\(environment.runnerTemp)/script.sh")
            try "echo from-host-script\n".write(toFile: tempFile, atomically: true, encoding: .utf8)
            let script = try await environment.start(
                ProcessSpec(executable: "sh", arguments: ["\(environment.runnerTemp)/script.sh"], environment: environment.baseEnvironment(),
                            workingDirectory: "/workspace/owner/repo/sub"))
            var scriptLines: [String] = []
            for await line in script.lines { scriptLines.append(line) }
            #expect(scriptLines == ["from-host-script"])
            #expect(await script.waitForExit() == 0)

            // A missing working directory in the workspace fails before anything starts.
            await #expect(throws: ProcessLaunchError.self) {
                _ = try await environment.start(
                    ProcessSpec(executable: "true", environment: environment.baseEnvironment(), workingDirectory: "/workspace/owner/repo/missing"))
            }
            // A missing program: the shell's message and 127, as on the host's shells.
            let missing = try await Support.run(environment, "no-such-program")
            #expect(missing.exitCode == 127)
            #expect(missing.lines.joined().contains("no-such-program"))
            // A process killed by a signal: 128 + signal.
            #expect(try await Support.run(environment, "kill -KILL $$").exitCode == 137)

            let hostDirectory = (environment.hostPath(for: environment.runnerTemp) as NSString).deletingLastPathComponent
            #expect(try await Support.objects(client: client, labels: marker).count == 3)  // pod, infra, job container
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
            #expect(!FileManager.default.fileExists(atPath: hostDirectory))
            await environment.teardown()  // a second teardown is harmless
        }
    }

    @Test("a given host workspace is used and kept; bash, git and the container's env in the Debian image")
    func debianImageWithGivenWorkspace() async throws {
        try await Support.withPodman(images: [Support.debian]) { client async throws in
            let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-ws-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: workspace) }
            var (request, marker) = Support.request("debian", image: Support.debian, options: "-e FROM_OPTIONS=1 --cpus 0.5 --memory 128m")
            request.container?.environment = ["FROM_CONTAINER_ENV": "yes"]
            var options = PodmanEnvironmentOptions()
            options.workspaceHostPath = workspace
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            #expect(environment.baseEnvironment()["FROM_CONTAINER_ENV"] == "yes")
            #expect(environment.baseEnvironment()["FROM_OPTIONS"] == "1")
            let result = try await Support.run(
                environment, "set -euo pipefail; echo \"$BASH_VERSION\" | cut -d. -f1; git --version | cut -d' ' -f1-2; echo x > file", shell: "bash")
            #expect(result.exitCode == 0)
            #expect(result.lines == ["5", "git version"])
            #expect(environment.hostPath(for: "\(environment.workspace)/file") == "\(workspace)/file")
            // --memory and --cpus reach the cgroup (v2 files, else v1).
            let limits = try await Support.run(
                environment,
                """
                cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
                { cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; } | cut -d' ' -f1
                """)
            #expect(limits.lines == ["134217728", "50000"])
            await environment.teardown()
            #expect(FileManager.default.fileExists(atPath: "\(workspace)/file"))
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("cancelling a step sends SIGTERM to its process group; the trap runs and decides the exit code")
    func terminateGracefully() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("cancel")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let process = try await environment.start(
                ProcessSpec(
                    executable: "sh", arguments: ["-c", "trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 1; done"],
                    environment: environment.baseEnvironment(), workingDirectory: environment.workspace))
            var iterator = process.lines.makeAsyncIterator()
            #expect(await iterator.next() == "ready")
            process.terminate(grace: .seconds(30))
            var rest: [String] = []
            while let line = await iterator.next() { rest.append(line) }
            // busybox sh may also report its `sleep` child killed by the same signal.
            #expect(rest.contains("got TERM"))
            #expect(rest.allSatisfy { $0 == "got TERM" || $0 == "Terminated" })
            #expect(await process.waitForExit() == 7)
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("a step ignoring SIGTERM is killed after the grace period, background processes with it")
    func terminateKillsGroup() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("kill")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let process = try await environment.start(
                ProcessSpec(
                    executable: "sh", arguments: ["-c", "trap '' TERM; sleep 300 & echo $!; while :; do sleep 1; done"],
                    environment: environment.baseEnvironment(), workingDirectory: environment.workspace))
            var iterator = process.lines.makeAsyncIterator()
            let child = try #require(await iterator.next())
            let started = ContinuousClock.now
            process.terminate(grace: .milliseconds(300))
            while await iterator.next() != nil {}
            #expect(await process.waitForExit() == 137)
            #expect(ContinuousClock.now - started < .seconds(60), "the step loops forever unless SIGKILL follows the grace")
            // The background `sleep` was in the step's process group: it is gone too.
            let check = try await Support.run(environment, "kill -0 \(child) 2>/dev/null && echo alive || echo gone")
            #expect(check.lines == ["gone"])
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("terminate right after start (before the process reported its PID) still stops it")
    func terminateImmediately() async throws {
        try await Support.withPodman { client async throws in
            let (request, _) = Support.request("early-cancel")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let process = try await environment.start(
                ProcessSpec(executable: "sleep", arguments: ["300"], environment: environment.baseEnvironment(), workingDirectory: "/"))
            process.terminate(grace: .seconds(30))
            for await _ in process.lines {}
            #expect(await process.waitForExit() == 143)
            await environment.teardown()
        }
    }

    @Test("teardown while a step runs ends the step and removes everything")
    func teardownDuringStep() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("teardown-running")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let process = try await environment.start(
                ProcessSpec(executable: "sh", arguments: ["-c", "echo ready; exec sleep 300"], environment: environment.baseEnvironment(), workingDirectory: "/"))
            var iterator = process.lines.makeAsyncIterator()
            #expect(await iterator.next() == "ready")
            await environment.teardown()
            while await iterator.next() != nil {}
            #expect(await process.waitForExit() != 0)
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("teardown from a cancelled task still removes everything")
    func teardownWhenCancelled() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("cancelled-teardown")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await environment.teardown() }
                group.cancelAll()
            }
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("an unknown image fails early and clearly, leaving nothing behind")
    func unknownImage() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("unknown-image", image: "localhost/hearth-no-such-image:1")
            let started = ContinuousClock.now
            let failure = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: request) }
            #expect(failure?.message.contains("localhost/hearth-no-such-image:1") == true)
            #expect(failure?.message.contains("the job container") == true)
            #expect(ContinuousClock.now - started < .seconds(30), "no pull retries or health waiting before the error")
            #expect(try await Support.objects(client: client, labels: marker) == [])

            // A short name is looked up as Docker Hub would; with no registry reachable the error says so.
            let (other, _) = Support.request("unknown-short", image: "hearth-no-such-image-\(UUID().uuidString.prefix(6).lowercased()):1")
            let pull = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: other) }
            #expect(pull?.message.contains("cannot be pulled") == true)
        }
    }

    @Test("a bind mount allowed by the volume policy is mounted; named volumes are created by Podman")
    func allowedVolumes() async throws {
        try await Support.withPodman { client async throws in
            let shared = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-vol-\(UUID())").path
            try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: shared) }
            try "mounted\n".write(toFile: "\(shared)/in.txt", atomically: true, encoding: .utf8)
            let volumeName = "hearth-test-\(UUID().uuidString.prefix(8).lowercased())"
            let (request, marker) = Support.request("volumes", volumes: ["\(shared):/data:ro", "\(volumeName):/cache", "/scratch"])
            var options = PodmanEnvironmentOptions()
            options.volumePolicy = try PodmanVolumePolicy(allowing: ["\(FileManager.default.temporaryDirectory.path)/hearth-vol-*", "hearth-test-*"])
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            let result = try await Support.run(environment, "cat /data/in.txt; touch /data/x 2>/dev/null || echo read-only; touch /cache/y /scratch/z && echo ok")
            #expect(result.lines == ["mounted", "read-only", "ok"])
            let inspect = try await client.inspectContainer(environment.jobContainerName)
            let anonymous = try #require(inspect.mounts.first { $0.destination == "/scratch" }?.name)
            await environment.teardown()
            // The anonymous volume went with the container; the named one stays (it is the user's).
            #expect(try await !client.listVolumes(labels: [:]).contains { $0.name == anonymous })
            #expect(try await client.listVolumes(labels: [:]).contains { $0.name == volumeName })
            #expect(try await Support.objects(client: client, labels: marker) == [])
            try await client.removeVolume(volumeName)
        }
    }
}

extension PodmanEnvironmentTests {
    @Test("variables a shell cannot hold (inputs with hyphens) still reach the program")
    func hyphenatedVariables() async throws {
        #expect(PodmanExecProcess.isShellName("INPUT_PLAIN"))
        #expect(!PodmanExecProcess.isShellName("INPUT_MY-INPUT"))
        #expect(!PodmanExecProcess.isShellName("1ABC"))
        try await Support.withPodman { client async throws in
            let (request, _) = Support.request("hyphens")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            var variables = environment.baseEnvironment()
            variables["INPUT_MY-INPUT"] = "given value"
            variables["INPUT_PLAIN"] = "plain"
            let process = try await environment.start(ProcessSpec(
                executable: "env", environment: variables, workingDirectory: environment.workspace))
            var lines: [String] = []
            for await line in process.lines { lines.append(line) }
            #expect(await process.waitForExit() == 0)
            #expect(lines.contains("INPUT_MY-INPUT=given value"), "\(lines)")
            #expect(lines.contains("INPUT_PLAIN=plain"))
            await environment.teardown()
        }
    }
}
