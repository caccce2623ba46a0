import Foundation
import Testing
@testable import Backends

/// The runner's node made portable: read from the real `node` and loader of this machine.
@Suite("Node injection: the runner's node with its loader and libraries")
struct NodeBundleTests {
    static var hostNode: String? { ExecutableLookup.resolve("node", path: ProcessInfo.processInfo.environment["PATH"]) }

    @Test("the ELF interpreter of a dynamic program is read; a static one has none; a script is not ELF")
    func interpreter() throws {
        let node = try #require(Self.hostNode, "node is needed on this machine for the JavaScript action tests")
        let loader = try #require(try ELFInterpreter.read((node as NSString).resolvingSymlinksInPath))
        #expect(loader.hasPrefix("/") && loader.contains("ld-"), "\(loader)")
        #expect(FileManager.default.isExecutableFile(atPath: loader))
        if FileManager.default.fileExists(atPath: "/bin/busybox"), (try? ELFInterpreter.read("/bin/busybox")) == nil {
            // busybox-static (installed by container-setup.sh) has no interpreter.
            #expect(try ELFInterpreter.read("/bin/busybox") == nil)
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-not-elf-\(UUID()).sh").path
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        #expect(throws: ELFInterpreter.Failure.notELF) { try ELFInterpreter.read(script) }
        #expect(throws: ELFInterpreter.Failure.unreadable) { try ELFInterpreter.read("/nonexistent/node") }
    }

    @Test("the loader's --list is read into library names and paths; a missing library is an error")
    func listing() throws {
        let text = """
            \tlinux-vdso.so.1 (0x00007ffd)
            \tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f14)
            \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f14)
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f14)
            """
        let libraries = try NodeBundle.libraries(fromListing: text, node: "node")
        #expect(libraries.map(\.name) == ["libstdc++.so.6", "libc.so.6"])
        #expect(libraries.map(\.path) == ["/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libc.so.6"])
        let missing = #expect(throws: NodeBundleError.self) {
            try NodeBundle.libraries(fromListing: "\tlibnode.so.108 => not found\n", node: "/usr/bin/node")
        }
        #expect(missing?.description.contains("libnode.so.108") == true)
    }

    @Test("placed in a directory, node runs through its own loader with nothing from the environment")
    func placedNodeRuns() async throws {
        let node = try #require(Self.hostNode)
        let bundle = try await NodeBundle.discover(node: node)
        #expect(bundle.needsLoader)
        #expect(bundle.files.map(\.name).contains("node"))
        #expect(bundle.files.map(\.name).contains("ld.so"))
        #expect(bundle.files.contains { $0.name.hasPrefix("lib/libc.so") })
        #expect(bundle.major >= 16)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-node-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try bundle.place(in: directory)
        try bundle.place(in: directory)  // a second placement keeps what is there
        for file in bundle.files {
            let type = try FileManager.default.attributesOfItem(atPath: "\(directory)/\(file.name)")[.type] as? FileAttributeType
            #expect(type == .typeRegular, "\(file.name) is a copy of the file itself, not a link into this machine")
        }
        let command = bundle.command(at: directory)
        #expect(command.executable == "\(directory)/ld.so")
        #expect(command.major == bundle.major)
        let spec = ProcessSpec(
            executable: command.executable, arguments: command.leadingArguments + ["-e", "console.log('v=' + process.version)"],
            environment: [:], workingDirectory: "/")
        let process = try ChildProcess.launch(spec)
        var lines: [String] = []
        for await line in process.lines { lines.append(line) }
        #expect(await process.waitForExit() == 0, "\(lines)")
        #expect(lines == ["v=v\(bundle.version)"])
    }

    @Test("no node where Hearth runs is a clear error")
    func noNode() async throws {
        let error = await #expect(throws: NodeBundleError.self) { try await NodeBundle.ofRunner(configured: "hearth-no-such-node") }
        #expect(error?.description.contains("hearth-no-such-node") == true)
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-fake-node-\(UUID())").path
        try "not a program\n".write(toFile: text, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: text) }
        let notELF = await #expect(throws: NodeBundleError.self) { try await NodeBundle.discover(node: text) }
        #expect(notELF?.description.contains("not a Linux executable") == true)
    }
}
