import Foundation
import Synchronization
import Testing
@testable import Backends

/// JavaScript actions' node inside real job containers.
@Suite("Podman environment: node for JavaScript actions")
struct PodmanNodeTests {
    typealias Support = PodmanTestSupport

    @Test("an image without node (busybox, no C library at all) runs the runner's node, mounted read-only")
    func injectedIntoBusybox() async throws {
        let hostNode = try #require(NodeBundleTests.hostNode, "node is needed on this machine")
        let bundle = try await NodeBundle.discover(node: hostNode)
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("node-injected")
            var options = PodmanEnvironmentOptions()
            options.nodeBundle = bundle
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            let node = try #require(await environment.node(configured: nil, path: nil))
            #expect(node.executable == "/__hearth/node/ld.so")
            #expect(node.major == bundle.major)
            #expect(node.origin.contains("injected"))
            let script = "require('fs').writeFileSync('from-node.txt', 'written by ' + process.version); "
                + "require('child_process').exec('echo child $(id -u)', (e, out) => console.log(out.trim()))"
            let process = try await environment.start(ProcessSpec(
                executable: node.executable, arguments: node.leadingArguments + ["-e", script],
                environment: environment.baseEnvironment(), workingDirectory: environment.workspace))
            var lines: [String] = []
            for await line in process.lines { lines.append(line) }
            #expect(await process.waitForExit() == 0, "\(lines)")
            #expect(lines == ["child 0"], "processes node starts are the image's own")
            let written = try String(contentsOfFile: environment.hostPath(for: "\(environment.workspace)/from-node.txt"), encoding: .utf8)
            #expect(written == "written by v\(bundle.version)")
            // Read-only: a step cannot damage the runner's node.
            let write = try await Support.run(environment, "(echo x > /__hearth/node/node) 2>/dev/null && echo wrote || echo refused")
            #expect(write.lines == ["refused"])
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("an image's own node is preferred; without either, there is none")
    func imageNodeFirst() async throws {
        let hostNode = try #require(NodeBundleTests.hostNode)
        let bundle = try await NodeBundle.discover(node: hostNode)
        try await Support.withPodman(images: [Support.busybox, Support.debian]) { client async throws in
            // debian-ci:slim has the C++ runtime node needs; the runner's node stands in for the image's.
            let resolved = (hostNode as NSString).resolvingSymlinksInPath
            let (request, _) = Support.request("node-image", image: Support.debian, volumes: ["\(resolved):/usr/local/bin/node:ro"])
            var options = PodmanEnvironmentOptions()
            options.nodeBundle = bundle
            options.volumePolicy = try PodmanVolumePolicy(allowing: [resolved])
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            let node = try #require(await environment.node(configured: nil, path: nil))
            #expect(node.executable == "node")
            #expect(node.major == bundle.major)
            #expect(node.origin.contains("the image's node"))
            await environment.teardown()

            let (bare, _) = Support.request("node-none")
            let withoutBundle = try await PodmanEnvironment.create(client: client, request: bare)
            #expect(await withoutBundle.node(configured: nil, path: nil) == nil)
            await withoutBundle.teardown()
        }
    }
}

extension PodmanNodeTests {
    @Test("a bundle placed in a directory (as the Kubernetes agent does on the shared volume) runs in busybox as another user")
    func placedBundleInBusybox() async throws {
        let hostNode = try #require(NodeBundleTests.hostNode)
        let bundle = try await NodeBundle.discover(node: hostNode)
        let shared = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-vol-node-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: shared) }
        try bundle.place(in: "\(shared)/node")
        try await Support.withPodman { client async throws in
            let (request, _) = Support.request("node-placed", options: "--user 1001", volumes: ["\(shared):/__w"])
            var options = PodmanEnvironmentOptions()
            options.volumePolicy = try PodmanVolumePolicy(allowing: ["\(FileManager.default.temporaryDirectory.path)/hearth-vol-*"])
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            let command = bundle.command(at: "/__w/node")
            let process = try await environment.start(ProcessSpec(
                executable: command.executable, arguments: command.leadingArguments + ["-e", "console.log(process.version)"],
                environment: environment.baseEnvironment(), workingDirectory: "/"))
            var lines: [String] = []
            for await line in process.lines { lines.append(line) }
            #expect(await process.waitForExit() == 0, "\(lines)")
            #expect(lines == ["v\(bundle.version)"])
            await environment.teardown()
        }
    }
}

/// Docker actions' containers beside the job's.
@Suite("Podman environment: step containers (Docker actions)")
struct PodmanContainerStepTests {
    typealias Support = PodmanTestSupport

    @Test("a step container shares the workspace and the pod's network, reports its exit code and is removed when it ends")
    func runAndRemove() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("step-container")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let step = ContainerStep(
                image: Support.busybox, entrypoint: "/bin/sh",
                arguments: ["-c", "echo out; echo err >&2; echo \"$GREETING\" > written.txt; hostname; exit 3"],
                environment: ["GREETING": "hello from the step container"], workingDirectory: environment.workspace)
            let process = try await environment.runContainer(step) { _ in }
            var lines: [String] = []
            for await line in process.lines { lines.append(line) }
            #expect(await process.waitForExit() == 3)
            #expect(lines.contains("out") && lines.contains("err"), "\(lines)")
            let jobHost = try await Support.run(environment, "hostname").lines
            // stdout and stderr are separate streams in the container log: only the set of lines is certain.
            #expect(jobHost.first.map(lines.contains) == true, "same pod, same UTS namespace: \(lines) vs \(jobHost)")
            let written = try String(contentsOfFile: environment.hostPath(for: "\(environment.workspace)/written.txt"), encoding: .utf8)
            #expect(written == "hello from the step container\n")
            var stepLabels = marker
            stepLabels["hearth.role"] = "step"
            #expect(try await client.listContainers(labels: stepLabels).isEmpty, "the step's container is removed when it ends")
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("terminating a step container sends SIGTERM, then SIGKILL after the grace period")
    func terminate() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("step-container-stop")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let graceful = try await environment.runContainer(ContainerStep(
                image: Support.busybox, entrypoint: "/bin/sh", arguments: ["-c", "trap 'echo got TERM; exit 143' TERM; echo ready; while :; do sleep 0.1; done"],
                environment: [:], workingDirectory: environment.workspace)) { _ in }
            var iterator = graceful.lines.makeAsyncIterator()
            #expect(await iterator.next() == "ready")
            graceful.terminate(grace: .seconds(30))
            var rest: [String] = []
            while let line = await iterator.next() { rest.append(line) }
            #expect(rest.contains("got TERM"), "\(rest)")
            #expect(await graceful.waitForExit() == 143)

            let stubborn = try await environment.runContainer(ContainerStep(
                image: Support.busybox, entrypoint: "/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"],
                environment: [:], workingDirectory: environment.workspace)) { _ in }
            var second = stubborn.lines.makeAsyncIterator()
            #expect(await second.next() == "ready")
            stubborn.terminate(grace: .milliseconds(300))
            while await second.next() != nil {}
            #expect(await stubborn.waitForExit() == 137)
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("a Dockerfile is built once per tag, reused, and rebuilt when forced; a broken one is a clear error")
    func build() async throws {
        try await Support.withPodman { client async throws in
            let (request, _) = Support.request("step-build")
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let context = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-build-\(UUID().uuidString.prefix(8))").path
            defer { try? FileManager.default.removeItem(atPath: context) }
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try "FROM localhost/busybox:test\nRUN echo built > /built.txt\n".write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
            let tag = "localhost/hearth-test-build-\(UUID().uuidString.prefix(8).lowercased())"
            let notes = NoteBox()
            let image = try await environment.buildImage(ImageBuild(contextDirectory: context, dockerfile: "Dockerfile", tag: tag)) { notes.add($0) }
            #expect(image == tag)
            #expect(notes.lines.contains { $0.contains("Building \(tag)") })
            let again = NoteBox()
            _ = try await environment.buildImage(ImageBuild(contextDirectory: context, dockerfile: "Dockerfile", tag: tag)) { again.add($0) }
            #expect(again.lines.isEmpty, "an existing image is reused: \(again.lines)")
            let forced = NoteBox()
            _ = try await environment.buildImage(ImageBuild(contextDirectory: context, dockerfile: "Dockerfile", tag: tag, forceRebuild: true)) { forced.add($0) }
            #expect(!forced.lines.isEmpty)
            let run = try await environment.runContainer(ContainerStep(
                image: tag, entrypoint: "/bin/cat", arguments: ["/built.txt"], environment: [:], workingDirectory: "/")) { _ in }
            var lines: [String] = []
            for await line in run.lines { lines.append(line) }
            #expect(lines == ["built"])

            try "FROM localhost/busybox:test\nRUN exit 3\n".write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
            let failure = await #expect(throws: ProcessLaunchError.self) {
                try await environment.buildImage(ImageBuild(contextDirectory: context, dockerfile: "Dockerfile", tag: tag + "-broken")) { _ in }
            }
            #expect(failure?.message.contains("cannot build image") == true, "\(failure?.message ?? "")")
            await environment.teardown()
            _ = try? await client.send(.DELETE, "/images/\(tag)", query: [("force", "true")])
        }
    }
}

final class NoteBox: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
