import Backends
import Foundation
import Testing

/// Shared set-up of the Podman tests: a private `podman system service` per test, the test images,
/// and checks that a job left nothing behind.
enum PodmanTestSupport {
    static let busybox = "localhost/busybox:test"
    static let debian = "localhost/debian-ci:slim"

    /// `HEARTH_SKIP_PODMAN_TESTS=1` skips the tests that need Podman (say why in the trait).
    static let skipRequested = ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1"
    static let skipReason: Comment = "HEARTH_SKIP_PODMAN_TESTS=1: the tests that run real containers are skipped"

    /// Starts a private Podman service, runs `body` with a client for it, then stops it. A missing
    /// podman or test image fails the test with instructions instead of skipping it silently.
    static func withPodman(
        images: [String] = [busybox], sourceLocation: SourceLocation = #_sourceLocation, _ body: (PodmanClient) async throws -> Void
    ) async throws {
        guard ExecutableLookup.resolve("podman", path: ProcessInfo.processInfo.environment["PATH"]) != nil else {
            let message = "podman is not installed: run ../shared/ci/container-setup.sh (it installs Podman and builds the test images), "
                + "or set HEARTH_SKIP_PODMAN_TESTS=1 to skip the container tests."
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            return
        }
        let service = try await PodmanService.start()
        let client = PodmanClient(socketPath: service.socketPath)
        var failure: (any Error)?
        do {
            for image in images {
                guard try await !client.imageExists(image) else { continue }
                let message = "The test image \(image) is missing: run ../shared/ci/container-setup.sh to build it, "
                    + "or set HEARTH_SKIP_PODMAN_TESTS=1 to skip the container tests."
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                await client.shutdown()
                await service.stop()
                return
            }
            try await body(client)
        } catch {
            failure = error
        }
        await client.shutdown()
        await service.stop()
        if let failure { throw failure }
    }

    /// A request whose objects carry a label unique to the test, to find (or miss) them afterwards.
    static func request(
        _ name: String, image: String = busybox, options: String? = nil, volumes: [String] = [],
        services: [(name: String, container: ContainerRequest)] = []
    ) -> (JobEnvironmentRequest, [String: String]) {
        let marker = ["hearth.test": UUID().uuidString.lowercased()]
        let request = JobEnvironmentRequest(
            name: name, labels: marker, container: ContainerRequest(image: image, volumes: volumes, options: options), services: services)
        return (request, marker)
    }

    /// The names of every pod, container, network and volume carrying `labels`.
    static func objects(client: PodmanClient, labels: [String: String]) async throws -> [String] {
        let pods = try await client.listPods(labels: labels).map { "pod \($0.name)" }
        let containers = try await client.listContainers(labels: labels).map { "container \($0.names.first ?? $0.id)" }
        let networks = try await client.listNetworks(labels: labels).map { "network \($0.name)" }
        let volumes = try await client.listVolumes(labels: labels).map { "volume \($0.name)" }
        return pods + containers + networks + volumes
    }

    /// Runs a shell script in the environment and collects its output and exit code.
    static func run(
        _ environment: any ExecutionEnvironment, _ script: String, shell: String = "sh", variables: [String: String] = [:],
        workingDirectory: String? = nil
    ) async throws -> (lines: [String], exitCode: Int32) {
        let process = try await environment.start(
            ProcessSpec(
                executable: shell, arguments: ["-c", script], environment: environment.baseEnvironment().merging(variables) { _, new in new },
                workingDirectory: workingDirectory ?? environment.workspace))
        var lines: [String] = []
        for await line in process.lines { lines.append(line) }
        return (lines, await process.waitForExit())
    }
}
