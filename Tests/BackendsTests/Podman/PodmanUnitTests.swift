@testable import Backends
import Foundation
import Testing

@Suite("Podman backend: parsing and planning (no Podman needed)")
struct PodmanUnitTests {
    @Test("multiplexed frames are decoded whatever the chunking")
    func demultiplexing() {
        let bytes: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 3] + Array("ab\n".utf8) + [2, 0, 0, 0, 0, 0, 0, 2] + Array("e\n".utf8) + [1, 0, 0, 0, 0, 0, 0, 0]
        for chunkSize in 1...bytes.count {
            var decoder = MultiplexedStreamDecoder()
            var frames: [MultiplexedStreamDecoder.Frame] = []
            var index = 0
            while index < bytes.count {
                frames += decoder.feed(bytes[index..<min(index + chunkSize, bytes.count)])
                index += chunkSize
            }
            #expect(frames.map(\.stream) == [.stdout, .stderr, .stdout])
            #expect(frames.map { String(decoding: $0.payload, as: UTF8.self) } == ["ab\n", "e\n", ""])
            #expect(decoder.pendingByteCount == 0)
        }
    }

    @Test("lines are cut at newlines, carriage returns dropped, overlong lines split")
    func lines() {
        var lines = LineAccumulator(maximumLineBytes: 8)
        #expect(lines.append(Array("one\r\ntw".utf8)) == ["one"])
        #expect(lines.append(Array("o\n".utf8)) == ["two"])
        #expect(lines.append(Array("0123456789".utf8)) == ["01234567"])
        #expect(lines.finish() == "89")
        #expect(lines.finish() == nil)
    }

    @Test("options: every supported form, and the values Podman gets")
    func supportedOptions() throws {
        let options = try PodmanContainerOptions.parse(
            #"--health-cmd "pg_isready -U postgres" --health-interval=10s --health-timeout 5s --health-retries 5 --health-start-period 1m30s -u 1000:1000 --workdir=/srv --cpus 1.5 -m 512m -e A=1 --env=B=two=2 -eC=3"#,
            owner: "service 'db'")
        #expect(options.healthCommand == "pg_isready -U postgres")
        #expect(options.healthInterval == .seconds(10))
        #expect(options.healthStartPeriod == .seconds(90))
        #expect(options.healthRetries == 5)
        #expect(options.user == "1000:1000")
        #expect(options.workingDirectory == "/srv")
        #expect(options.environment == ["A": "1", "B": "two=2", "C": "3"])
        #expect(options.healthConfig == PodmanAPI.HealthConfig(
            test: ["CMD-SHELL", "pg_isready -U postgres"], interval: 10_000_000_000, timeout: 5_000_000_000, startPeriod: 90_000_000_000, retries: 5))
        #expect(options.resourceLimits == PodmanAPI.ResourceLimits(cpuQuota: 150_000, memoryLimit: 512 * 1024 * 1024))
        // Docker's defaults are filled in: Podman's API would take a missing timeout as zero.
        #expect(try PodmanContainerOptions.parse("--health-cmd true", owner: "x").healthConfig == PodmanAPI.HealthConfig(
            test: ["CMD-SHELL", "true"], interval: 30_000_000_000, timeout: 30_000_000_000, startPeriod: 0, retries: 3))
        #expect(try PodmanContainerOptions.parse(nil, owner: "x") == PodmanContainerOptions())
        #expect(try PodmanContainerOptions.parse("  ", owner: "x") == PodmanContainerOptions())
    }

    @Test("options: unsupported or malformed ones are refused with the list of supported ones")
    func unsupportedOptions() {
        let unsupported = #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--cpus 1 --privileged", owner: "service 'db'") }
        #expect(unsupported?.message.contains("'--privileged' of service 'db' is not supported") == true)
        #expect(unsupported?.message.contains("--health-cmd") == true)
        #expect(unsupported?.message.contains("--memory (-m)") == true)
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--network host", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--memory lots", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--health-interval 10", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--cpus", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("-e HOME", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanContainerOptions.parse("--health-cmd 'unterminated", owner: "x") }
    }

    @Test("durations and sizes as Docker reads them")
    func durationsAndSizes() {
        #expect(PodmanContainerOptions.parseDuration("1h2m3s") == .seconds(3723))
        #expect(PodmanContainerOptions.parseDuration("500ms") == .milliseconds(500))
        #expect(PodmanContainerOptions.parseDuration("1.5s") == .milliseconds(1500))
        #expect(PodmanContainerOptions.parseDuration("0") == .zero)
        #expect(PodmanContainerOptions.parseDuration("10") == nil)
        #expect(PodmanContainerOptions.parseDuration("s") == nil)
        #expect(PodmanContainerOptions.parseMemory("1g") == 1 << 30)
        #expect(PodmanContainerOptions.parseMemory("2GB") == 2 << 30)
        #expect(PodmanContainerOptions.parseMemory("1048576") == 1 << 20)
        #expect(PodmanContainerOptions.parseMemory("64k") == 64 << 10)
        #expect(PodmanContainerOptions.parseMemory("-1m") == nil)
        #expect(PodmanContainerOptions.parseMemory("12q") == nil)
    }

    @Test("shell words: quotes, escapes and continuation lines")
    func shellWords() throws {
        #expect(try ShellWords.split(#"a 'b c' "d \"e\" \$f" g\ h i\"#) == ["a", "b c", #"d "e" $f"#, "g h", "i"])
        #expect(try ShellWords.split("one \\\n two") == ["one", "two"])
        #expect(try ShellWords.split(#"x"" ''"#) == ["x", ""])
        #expect(throws: ShellWords.UnterminatedQuote.self) { try ShellWords.split(#"a "b"#) }
    }

    @Test("volume policy: globs on names and host paths; anonymous volumes always allowed")
    func volumePolicy() throws {
        let policy = try PodmanVolumePolicy(allowing: ["data", "/src/*.json", "cache-{npm,pip}", "/opt/**", "v?"])
        func allowed(_ text: String) throws -> Bool { policy.allows(try PodmanVolumePolicy.parse(text, owner: "x")) }
        #expect(try allowed("data:/data"))
        #expect(try allowed("/src/a.json:/a.json:ro"))
        #expect(try allowed("/src/sub/a.json:/a.json"))  // `*` matches `/` too, as forgejo-runner's globs
        #expect(try allowed("cache-pip:/root/.cache"))
        #expect(try allowed("/opt/x/y:/y"))
        #expect(try allowed("v1:/v"))
        #expect(try allowed("/anonymous"))
        #expect(try !allowed("database:/data"))
        #expect(try !allowed("/etc:/host-etc"))
        #expect(try !allowed("cache-gem:/c"))
        #expect(try PodmanVolumePolicy().allows(PodmanVolumePolicy.parse("/only-anonymous", owner: "x")))
        let refused = #expect(throws: PodmanError.self) { try PodmanVolumePolicy().validate("/var/run/docker.sock:/var/run/docker.sock", owner: "the job container") }
        #expect(refused?.message.contains("is not allowed (no volumes are allowed)") == true)
        #expect(refused?.message.contains("valid_volumes") == true)
        #expect(throws: PodmanError.self) { try PodmanVolumePolicy.parse("relative", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanVolumePolicy.parse("a:b", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanVolumePolicy.parse("/a:/b:exec", owner: "x") }
        #expect(throws: PodmanError.self) { try PodmanVolumePolicy(allowing: ["{unclosed"]) }
    }

    @Test("the pod plan: names, labels, hosts entries, mounts, path translation and the keep-alive job container")
    func plan() throws {
        var options = PodmanEnvironmentOptions()
        options.workspacePath = "/workspace/owner/repo"
        options.hostTemporaryDirectory = "/tmp/x"
        options.labels = ["hearth.runner": "r1"]
        options.additionalMounts = [.init(hostPath: "/var/cache/hearth/actions", containerPath: "/var/run/hearth/actions", readOnly: true)]
        options.network = .ipv6Only
        let request = JobEnvironmentRequest(
            name: "CI / Build (linux, 1.0)", labels: ["hearth.job": "42"],
            container: ContainerRequest(image: "node:20", environment: ["NODE_ENV": "test"], ports: ["3000"], options: "--cpus 2"),
            services: [("db", ContainerRequest(image: "postgres:16", environment: ["POSTGRES_PASSWORD": "x"], options: "--health-cmd pg_isready"))])
        let plan = try PodmanPodPlan(request: request, options: options, suffix: "abc123", now: Date(timeIntervalSince1970: 1000))
        #expect(plan.podName == "hearth-ci---build--linux--1.0-abc123")
        #expect(plan.labels["hearth"] == "1")
        #expect(plan.labels["hearth.runner"] == "r1")
        #expect(plan.labels["hearth.job"] == "42")
        #expect(plan.labels["hearth.created"] == "1000")
        #expect(plan.createdNetwork?.name == "\(plan.podName)-net")
        let subnet = try #require(plan.createdNetwork?.subnet)
        #expect(subnet.hasPrefix("fd00:") && subnet.hasSuffix("::/64"))
        // Services on both loopbacks; the host at the IPv6 network's gateway (Podman names it on IPv4 networks only).
        #expect(plan.pod.hostAdd == ["db:127.0.0.1", "db:::1", "host.containers.internal:\(subnet.dropLast(3))1"])
        #expect(plan.pod.networks?.keys.first == plan.createdNetwork?.name)
        #expect(plan.job.spec.entrypoint == ["/bin/sh", "-c"])
        #expect(plan.job.spec.command == [PodmanPodPlan.keepAliveScript])
        #expect(plan.job.spec.env == ["NODE_ENV": "test"])
        #expect(plan.job.spec.workDir == "/workspace/owner/repo")
        #expect(plan.job.spec.resourceLimits?.cpu?.quota == 200_000)
        #expect(plan.job.spec.mounts.map(\.destination) == ["/workspace/owner/repo", "/var/run/hearth/temp", "/var/run/hearth/actions"])
        #expect(plan.job.spec.mounts.last?.options == ["rbind", "ro"])
        #expect(plan.services.map(\.spec.name) == ["\(plan.podName)-db"])
        #expect(plan.services.first?.spec.healthConfig?.test == ["CMD-SHELL", "pg_isready"])
        #expect(plan.services.first?.spec.mounts == [])
        #expect(plan.notices.count == 1)
        #expect(plan.containers.map(\.serviceName) == ["db", nil])
        #expect(plan.hostPath(for: "/workspace/owner/repo") == "/tmp/x/hearth-pod-abc123/workspace")
        #expect(plan.hostPath(for: "/workspace/owner/repo/a/b") == "/tmp/x/hearth-pod-abc123/workspace/a/b")
        #expect(plan.hostPath(for: "/var/run/hearth/temp/_runner_file_commands/x") == "/tmp/x/hearth-pod-abc123/temp/_runner_file_commands/x")
        #expect(plan.hostPath(for: "/var/run/hearth/actions/a") == "/var/cache/hearth/actions/a")
        #expect(plan.hostPath(for: "/workspace/owner/repository") == nil)
        #expect(plan.hostPath(for: "/etc/passwd") == nil)

        let noContainer = #expect(throws: PodmanError.self) { try PodmanPodPlan(request: JobEnvironmentRequest(name: "x"), options: options, suffix: "s") }
        #expect(noContainer?.message.contains("no container image") == true)
        let badName = JobEnvironmentRequest(name: "x", container: ContainerRequest(image: "a"), services: [("my db", ContainerRequest(image: "b"))])
        #expect(throws: PodmanError.self) { try PodmanPodPlan(request: badName, options: options, suffix: "s") }
    }

    @Test("image names are qualified as Docker does before pulling")
    func imageReferences() {
        #expect(PodmanEnvironment.qualifiedReference("node:20") == "docker.io/library/node:20")
        #expect(PodmanEnvironment.qualifiedReference("bitnami/redis") == "docker.io/bitnami/redis")
        #expect(PodmanEnvironment.qualifiedReference("ghcr.io/o/i:1") == "ghcr.io/o/i:1")
        #expect(PodmanEnvironment.qualifiedReference("localhost:5000/i") == "localhost:5000/i")
        #expect(PodmanEnvironment.qualifiedReference("localhost/busybox:test") == "localhost/busybox:test")
    }

    @Test("socket addresses: unix:///path or a path; anything else is refused")
    func socketAddresses() throws {
        #expect(try PodmanService.socketPath(fromHost: "unix:///run/podman/podman.sock") == "/run/podman/podman.sock")
        #expect(try PodmanService.socketPath(fromHost: "/run/x.sock") == "/run/x.sock")
        #expect(throws: PodmanError.self) { try PodmanService.socketPath(fromHost: "tcp://127.0.0.1:2375") }
        #expect(throws: PodmanError.self) { try PodmanService.socketPath(fromHost: "unix://relative") }
    }

    @Test("an unsupported option or a volume not allowed fails before Podman is even asked")
    func earlyValidation() async throws {
        // Nothing listens on this socket: the errors below come from validation alone.
        let client = PodmanClient(socketPath: "/nonexistent/hearth-\(UUID()).sock")
        let option = JobEnvironmentRequest(
            name: "x", container: ContainerRequest(image: "a"), services: [("db", ContainerRequest(image: "b", options: "--shm-size 1g"))])
        let optionError = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: option) }
        #expect(optionError?.message.contains("The option '--shm-size' of service 'db' is not supported by the Podman backend. Supported options:") == true)

        let volume = JobEnvironmentRequest(name: "x", container: ContainerRequest(image: "a", volumes: ["/etc:/host-etc"]))
        let volumeError = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: volume) }
        #expect(volumeError?.message.contains("The volume '/etc:/host-etc' of the job container is not allowed") == true)

        let unreachable = await #expect(throws: PodmanError.self) {
            try await PodmanEnvironment.create(client: client, request: JobEnvironmentRequest(name: "x", container: ContainerRequest(image: "a")))
        }
        #expect(unreachable?.message.contains("cannot talk to Podman at /nonexistent/") == true)
        await client.shutdown()
    }
}
