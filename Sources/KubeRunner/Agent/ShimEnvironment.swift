import Backends
import Engine
import Foundation
import KubePod
import Synchronization

/// A job pod's job container, seen from the agent beside it: processes start through the step
/// shim, and the shared `hearth-work` volume is mounted at the same path in both containers, so
/// every path the engine uses is the same for the agent and for the steps.
public final class ShimEnvironment: ExecutionEnvironment {
    public let kind = "kubernetes"
    public let workspace: String
    public let runnerTemp: String
    public let toolCache: String
    /// Docker actions would need a container of their own in the pod (not yet).
    public var supportsContainers: Bool { false }
    public var runsJobContainers: Bool { true }
    private let link: ShimLink
    private let counter = Mutex(0)
    private let environment: [String: String]
    private let nodeBundle: NodeBundle?
    private let nodeRoot: String
    private let placedNode = Mutex<Result<NodeCommand, NodeBundleError>?>(nil)
    /// The image's node per `PATH`, once found (every stage of every JavaScript action asks).
    private let imageNodes = Mutex<[String: NodeCommand]>([:])

    /// `root`: the shared volume's mount (`/__w`); the shim directory is `root/_hearth`.
    /// `nodeBundle`: the agent's own node, copied onto the shared volume the first time a
    /// JavaScript action runs in a job image without node.
    public init(link: ShimLink, root: String = StepShim.workMount, nodeBundle: NodeBundle? = nil) {
        self.link = link
        self.nodeBundle = nodeBundle
        nodeRoot = "\(root)/_hearth/node"
        workspace = "\(root)/workspace"
        runnerTemp = "\(root)/_temp"
        toolCache = "\(root)/_tool"
        for directory in [workspace, runnerTemp, toolCache] {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // The job container may run as another user (baseline profile, image USER).
            chmod(directory, 0o777)
        }
        environment = Self.readEnvironment(at: "\(link.directory)/env")
    }

    /// The job container's own environment, as the shim found it (NUL-separated `/proc/PID/environ`).
    static func readEnvironment(at path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { continue }
            let name = String(text[..<equals])
            // The shim's own variables are not the image's.
            if name == "PWD" || name == "SHLVL" || name == "_" || name == "HEARTH_SHIM_DIR" { continue }
            result[name] = String(text[text.index(after: equals)...])
        }
        return result
    }

    public func baseEnvironment() -> [String: String] { environment }

    public func hostPath(for environmentPath: String) -> String { environmentPath }

    public func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let base = "\(link.directory)/p/\(number)"
        let script = Self.script(for: spec)
        guard FileManager.default.createFile(atPath: "\(base).sh", contents: Data(script.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw ProcessLaunchError("cannot write \(base).sh on the shared volume")
        }
        unlink("\(base).out")
        guard mkfifo("\(base).out", 0o666) == 0 else {
            throw ProcessLaunchError("cannot create the output FIFO \(base).out: \(String(cString: strerror(errno)))")
        }
        chmod("\(base).out", 0o666)
        let process = ShimProcess(number: number, link: link, outputPath: "\(base).out")
        process.startReading()
        link.send("run \(number)")
        return process
    }

    public func teardown() async {}

    /// The image's own node when `path` finds one in the job container, else the agent's node
    /// placed on the shared volume (once per job); nil when neither exists.
    public func node(configured: String?, path: String?) async -> NodeCommand? {
        if let known = imageNodes.withLock({ $0[path ?? ""] }) { return known }
        var environment = self.environment
        if let path { environment["PATH"] = path }
        let probe = ProcessSpec(executable: "sh", arguments: ["-c", "node --version 2>/dev/null"], environment: environment, workingDirectory: "/")
        if let process = try? await start(probe) {
            var version: String?
            for await line in process.lines where line.hasPrefix("v") && version == nil { version = line }
            if await process.waitForExit() == 0, let version {
                let found = NodeCommand(executable: "node", major: NodeVersion.major(version), origin: "the image's node \(version)")
                imageNodes.withLock { $0[path ?? ""] = found }
                return found
            }
        }
        guard let nodeBundle else { return nil }
        let placed = placedNode.withLock { placed -> Result<NodeCommand, NodeBundleError> in
            if let placed { return placed }
            let result: Result<NodeCommand, NodeBundleError>
            do {
                try nodeBundle.place(in: nodeRoot)
                result = .success(nodeBundle.command(at: nodeRoot))
            } catch {
                result = .failure(NodeBundleError("cannot copy node to \(nodeRoot): \(error)"))
            }
            placed = result
            return result
        }
        return try? placed.get()
    }

    public func hasProgram(_ program: String, path: String?) async -> Bool {
        var environment = self.environment
        if let path { environment["PATH"] = path }
        let spec = ProcessSpec(executable: "sh", arguments: ["-c", "command -v \(Self.quote(program)) >/dev/null 2>&1"], environment: environment, workingDirectory: "/")
        guard let process = try? await start(spec) else { return false }
        for await _ in process.lines {}
        return await process.waitForExit() == 0
    }

    /// `cd` into the working directory, then `exec env -i NAME=VALUE… program args…`: the step
    /// gets exactly the environment the engine computed, as on the other backends.
    static func script(for spec: ProcessSpec) -> String {
        var lines = ["cd \(quote(spec.workingDirectory)) || { echo \(quote("hearth: the working directory '\(spec.workingDirectory)' does not exist")) >&2; exit 1; }"]
        var command = ["exec", "env", "-i"]
        for name in spec.environment.keys.sorted() where !name.isEmpty && !name.contains("=") {
            command.append(quote("\(name)=\(spec.environment[name]!)"))
        }
        command.append(quote(spec.executable))
        command.append(contentsOf: spec.arguments.map(quote))
        lines.append(command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Single-quoted for POSIX sh.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Hands every job of the agent's task the one job container of its pod.
struct ShimEnvironmentFactory: EnvironmentFactory {
    let environment: ShimEnvironment

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        environment
    }
}
