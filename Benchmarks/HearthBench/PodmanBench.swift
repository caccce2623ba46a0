// The Podman backend's benchmarks: a step in the job container against `podman exec`, and a job's
// start (job container and one service) against building the same pod with the Podman CLI.
// Both talk to a private `podman system service`, as the tests do, and remove what they create.

import Backends
import Foundation

let podmanBenchImage = "localhost/busybox:test"

struct PodmanBenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Why the Podman benchmarks cannot run here (no podman, or the test image is missing), or nil.
func podmanBenchUnavailable() async -> String? {
    guard ExecutableLookup.resolve("podman", path: ProcessInfo.processInfo.environment["PATH"]) != nil else {
        return "podman is not installed"
    }
    let exists = try? await podmanCLI(["image", "exists", podmanBenchImage], check: false)
    guard exists?.exitCode == 0 else {
        return "the image \(podmanBenchImage) is missing (run ../shared/ci/container-setup.sh)"
    }
    return nil
}

/// Runs the podman CLI as a child process, reads its output to the end and returns it with the exit code.
@discardableResult
func podmanCLI(_ arguments: [String], check: Bool = true) async throws -> (exitCode: Int32, lines: [String]) {
    let process = try ChildProcess.launch(
        ProcessSpec(executable: "podman", arguments: arguments, environment: ProcessInfo.processInfo.environment, workingDirectory: "/"))
    var lines: [String] = []
    for await line in process.lines { lines.append(line) }
    let code = await process.waitForExit()
    if check, code != 0 {
        throw PodmanBenchFailure("podman \(arguments.joined(separator: " ")) exited with \(code): \(lines.suffix(5).joined(separator: " | "))")
    }
    return (code, lines)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Removes every pod and container carrying the benchmark's label (what an interrupted round left).
func removePodmanBenchObjects(label: String) async {
    let filter = "label=hearth.bench=\(label)"
    if let pods = try? await podmanCLI(["pod", "ps", "-q", "--filter", filter], check: false) {
        for pod in pods.lines where !pod.isEmpty { _ = try? await podmanCLI(["pod", "rm", "-f", pod], check: false) }
    }
    if let containers = try? await podmanCLI(["ps", "-aq", "--filter", filter], check: false) {
        for container in containers.lines where !container.isEmpty { _ = try? await podmanCLI(["rm", "-f", container], check: false) }
    }
}

/// Per-step overhead in a container: N `true` steps through `PodmanEnvironment.start` against N
/// `podman exec <job container> true`. Rounds alternate; the medians are compared.
func benchmarkPodmanStep(count: Int, rounds: Int = 5) async throws {
    let label = String(UUID().uuidString.lowercased().prefix(12))
    let connection = try await PodmanConnection.open()
    var environment: PodmanEnvironment?
    do {
        let request = JobEnvironmentRequest(
            name: "bench-step", labels: ["hearth.bench": label], container: ContainerRequest(image: podmanBenchImage))
        let created = try await PodmanEnvironment.create(client: connection.client, request: request)
        environment = created
        let container = created.jobContainerName
        let clock = ContinuousClock()
        let spec = ProcessSpec(executable: "true", environment: created.baseEnvironment(), workingDirectory: created.workspace)

        func hearthRound() async throws -> Double {
            seconds(try await clock.measure {
                for _ in 0..<count {
                    let process = try await created.start(spec)
                    for await _ in process.lines {}
                    let code = await process.waitForExit()
                    guard code == 0 else { throw PodmanBenchFailure("the step exited with \(code)") }
                }
            })
        }
        func cliRound() async throws -> Double {
            seconds(try await clock.measure {
                for _ in 0..<count { try await podmanCLI(["exec", container, "true"]) }
            })
        }

        // One untimed step each way: the first exec of a container sets things up.
        _ = try await created.start(spec).waitForExit()
        try await podmanCLI(["exec", container, "true"])

        var cliTimes: [Double] = []
        var hearthTimes: [Double] = []
        for _ in 0..<rounds {
            cliTimes.append(try await cliRound())
            hearthTimes.append(try await hearthRound())
        }
        let cli = median(cliTimes)
        let hearth = median(hearthTimes)
        print("podman-step: \(count) × `true` in the job container (\(podmanBenchImage)), median of \(rounds) alternating rounds")
        print(String(format: "  podman exec (CLI):        %.3f s (%.2f ms/step)", cli, cli * 1000 / Double(count)))
        print(String(format: "  hearth exec (API):        %.3f s (%.2f ms/step)", hearth, hearth * 1000 / Double(count)))
        print(String(format: "  ratio: %.2f× (target ≤ 1.3×)", hearth / cli))
    } catch {
        await environment?.teardown()
        await connection.close()
        await removePodmanBenchObjects(label: label)
        throw error
    }
    await environment?.teardown()
    await connection.close()
    await removePodmanBenchObjects(label: label)
}

/// Job start: `PodmanEnvironment.create` of a job container and one service (images present)
/// against the same pod made with the CLI. Only creation is timed; both are removed afterwards.
func benchmarkPodmanStart(rounds: Int = 9) async throws {
    let label = String(UUID().uuidString.lowercased().prefix(12))
    let connection = try await PodmanConnection.open()
    let options = PodmanEnvironmentOptions()
    let clock = ContinuousClock()
    let service = ContainerRequest(image: podmanBenchImage, entrypoint: "httpd", command: "-f -p 8080")
    let request = JobEnvironmentRequest(
        name: "bench-start", labels: ["hearth.bench": label], container: ContainerRequest(image: podmanBenchImage),
        services: [(name: "web", container: service)])
    let temporary = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    // Hearth's job container: kept alive by this shell (PodmanPodPlan.keepAliveScript).
    let keepAlive = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done"

    func hearthRound() async throws -> Double {
        var environment: PodmanEnvironment?
        let elapsed = try await clock.measure {
            environment = try await PodmanEnvironment.create(client: connection.client, request: request, options: options)
        }
        await environment?.teardown()
        return seconds(elapsed)
    }

    /// What Hearth creates, by hand: the pod (default network, the service's name in /etc/hosts),
    /// the host directories, the service container, the job container with the workspace and
    /// RUNNER_TEMP mounted, then both started with the pod.
    func cliRound() async throws -> Double {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        let pod = "hearth-bench-\(suffix)"
        let hostDirectory = "\(temporary)/\(pod)"
        let labels = ["--label", "hearth.bench=\(label)", "--label", "hearth.pod=\(pod)"]
        do {
            let elapsed = try await clock.measure {
                try FileManager.default.createDirectory(
                    atPath: hostDirectory + "/temp", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o1777])
                try FileManager.default.createDirectory(
                    atPath: hostDirectory + "/workspace", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
                try await podmanCLI(["pod", "create", "--name", pod, "--add-host", "web:127.0.0.1", "--add-host", "web:::1"] + labels)
                try await podmanCLI(
                    ["create", "--pod", pod, "--name", "\(pod)-web", "--stop-timeout", "2", "--entrypoint", "httpd"] + labels
                        + [podmanBenchImage, "-f", "-p", "8080"])
                try await podmanCLI(
                    ["create", "--pod", pod, "--name", "\(pod)-job", "--stop-timeout", "2",
                     "-v", "\(hostDirectory)/workspace:\(options.workspacePath):rbind,rw",
                     "-v", "\(hostDirectory)/temp:\(options.runnerTempPath):rbind,rw",
                     "-w", options.workspacePath, "--entrypoint", #"["/bin/sh","-c"]"#] + labels + [podmanBenchImage, keepAlive])
                try await podmanCLI(["pod", "start", pod])
            }
            try await podmanCLI(["pod", "rm", "-f", pod], check: false)
            try? FileManager.default.removeItem(atPath: hostDirectory)
            return seconds(elapsed)
        } catch {
            _ = try? await podmanCLI(["pod", "rm", "-f", pod], check: false)
            try? FileManager.default.removeItem(atPath: hostDirectory)
            throw error
        }
    }

    do {
        // One untimed start each way (caches, the first use of the pause image).
        _ = try await cliRound()
        _ = try await hearthRound()
        var cliTimes: [Double] = []
        var hearthTimes: [Double] = []
        for _ in 0..<rounds {
            cliTimes.append(try await cliRound())
            hearthTimes.append(try await hearthRound())
        }
        let cli = median(cliTimes)
        let hearth = median(hearthTimes)
        print("podman-start: job container + 1 service (\(podmanBenchImage), present), median of \(rounds) alternating rounds")
        print(String(format: "  podman CLI (pod create, 2× create, pod start): %.0f ms", cli * 1000))
        print(String(format: "  hearth PodmanEnvironment.create:               %.0f ms", hearth * 1000))
        print(String(format: "  ratio: %.2f× (target ≤ 1.5×)", hearth / cli))
    } catch {
        await connection.close()
        await removePodmanBenchObjects(label: label)
        throw error
    }
    await connection.close()
    await removePodmanBenchObjects(label: label)
}
