import Foundation
import Synchronization

/// The runner's own `node` made to start in a container that has none: the binary, every shared
/// library it links and the dynamic loader that linked them, placed together in one directory.
///
/// Node then runs as `DIR/ld.so --library-path DIR/lib DIR/node script.js`, so it needs nothing
/// from the image — not even a C library: it starts in glibc, musl and busybox images alike, as
/// long as the CPU architecture matches. Processes node starts (`git`, a shell) are the image's
/// own and use the image's libraries. One limit: `process.execPath` names the loader, so an
/// action that re-runs `process.execPath` with a script fails (few do; documented).
public struct NodeBundle: Sendable, Hashable {
    /// One file of the bundle: where it comes from on the runner's machine, and its path inside
    /// the bundle directory (`node`, `ld.so`, `lib/libc.so.6`).
    public struct File: Sendable, Hashable {
        public var source: String
        public var name: String
    }

    public var files: [File]
    /// `node --version` without the `v`.
    public var version: String
    public var major: Int { Int(version.split(separator: ".").first ?? "") ?? 0 }
    /// False for a statically linked node, which starts by itself.
    public var needsLoader: Bool

    /// The command that starts node from the bundle placed at `root`.
    public func command(at root: String) -> NodeCommand {
        if needsLoader {
            return NodeCommand(executable: "\(root)/ld.so", leadingArguments: ["--library-path", "\(root)/lib", "\(root)/node"],
                               major: major, origin: "the runner's Node.js \(version), injected")
        }
        return NodeCommand(executable: "\(root)/node", major: major, origin: "the runner's Node.js \(version), injected")
    }

    /// Copies the files into `directory` (created when missing); files already there with the
    /// same size are kept, so a second call is cheap.
    public func place(in directory: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: "\(directory)/lib", withIntermediateDirectories: true)
        for file in files {
            let target = "\(directory)/\(file.name)"
            let sourceSize = (try? fileManager.attributesOfItem(atPath: file.source)[.size] as? Int) ?? -1
            if let existing = try? fileManager.attributesOfItem(atPath: target)[.size] as? Int, existing == sourceSize { continue }
            let partial = "\(target).partial-\(UUID().uuidString.prefix(8))"
            try fileManager.copyItem(atPath: file.source, toPath: partial)
            chmod(partial, 0o755)
            guard rename(partial, target) == 0 else {
                try? fileManager.removeItem(atPath: partial)
                throw NodeBundleError("cannot place \(target): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static let discovered = Mutex<[String: NodeBundle]>([:])

    /// The bundle of `configured` (a path or name), else of `node` in Hearth's own `PATH`.
    public static func ofRunner(configured: String? = nil) async throws(NodeBundleError) -> NodeBundle {
        guard let path = ExecutableLookup.resolve(configured ?? "node", path: ProcessInfo.processInfo.environment["PATH"]) else {
            throw NodeBundleError("no \(configured ?? "node") in PATH where Hearth runs")
        }
        return try await discover(node: path)
    }

    /// Learns what `node` (a path) needs: its loader from the ELF header, its libraries from the
    /// loader's `--list`, its version from `node --version`. Remembered per path.
    public static func discover(node: String) async throws(NodeBundleError) -> NodeBundle {
        let resolved = Self.realPath(node)
        if let known = discovered.withLock({ $0[resolved] }) { return known }
        let interpreter: String?
        do {
            interpreter = try ELFInterpreter.read(resolved)
        } catch {
            throw NodeBundleError("\(node) is not a Linux executable (ELF) that Hearth can inject into containers")
        }
        var files = [File(source: resolved, name: "node")]
        if let interpreter {
            let listing = await Self.output(interpreter, ["--list", resolved])
            guard listing.status == 0 else {
                throw NodeBundleError("\(interpreter) --list \(node) failed: \(listing.text.prefix(500))")
            }
            let libraries = try Self.libraries(fromListing: listing.text, node: node)
            files.append(File(source: Self.realPath(interpreter), name: "ld.so"))
            files += libraries.map { File(source: Self.realPath($0.path), name: "lib/\($0.name)") }
        }
        let version = await Self.output(resolved, ["--version"])
        let text = version.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard version.status == 0, text.hasPrefix("v") else { throw NodeBundleError("\(node) --version did not print a version: \(text.prefix(200))") }
        let bundle = NodeBundle(files: files, version: String(text.dropFirst()), needsLoader: interpreter != nil)
        discovered.withLock { $0[resolved] = bundle }
        return bundle
    }

    /// `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` lines of a loader's `--list`; the
    /// vDSO and the loader itself are skipped. A library that is `not found` is an error.
    static func libraries(fromListing text: String, node: String) throws(NodeBundleError) -> [(name: String, path: String)] {
        var libraries: [(name: String, path: String)] = []
        for line in text.split(separator: "\n") {
            let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " => ")
            guard parts.count == 2 else { continue }
            let name = parts[0]
            let target = parts[1].components(separatedBy: " (").first ?? ""
            if target == "not found" { throw NodeBundleError("\(node) needs \(name), which this machine does not have") }
            guard target.hasPrefix("/") else { continue }
            libraries.append((name, target))
        }
        return libraries
    }

    /// Every symbolic link resolved (`libstdc++.so.6` → `libstdc++.so.6.0.30`), so that the bundle
    /// holds the files themselves.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func output(_ executable: String, _ arguments: [String]) async -> (status: Int32, text: String) {
        let spec = ProcessSpec(executable: executable, arguments: arguments, environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/")
        guard let process = try? ChildProcess.launch(spec) else { return (127, "cannot start \(executable)") }
        var text = ""
        for await line in process.lines { text += line + "\n" }
        return (await process.waitForExit(), text)
    }
}

/// Why the runner's node cannot be injected.
public struct NodeBundleError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
