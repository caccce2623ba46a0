import Foundation
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
