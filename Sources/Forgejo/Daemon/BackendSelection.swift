import Backends
import Engine
import Foundation

/// Picks where a task's job runs from the runner's labels, as forgejo-runner does: the first
/// `runs-on` entry that names one of the labels decides (§4.2).
public struct BackendSelection: Sendable {
    public var labels: [RunnerLabel]
    /// Below it each task gets `task-<id>/<owner>/<repo>` as its workspace.
    public var workdirParent: String
    /// Podman for `docker://` labels; nil: such labels fail their tasks with a clear message.
    public var podman: PodmanAccess?

    public init(labels: [RunnerLabel], workdirParent: String, podman: PodmanAccess? = nil) {
        self.labels = labels
        self.workdirParent = workdirParent
        self.podman = podman
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    func factory(for runsOn: [String], taskID: Int64) throws -> any EnvironmentFactory {
        guard let label = RunnerLabel.pick(for: runsOn, from: labels) else {
            throw Unavailable(description: "none of the job's labels (\(runsOn.joined(separator: ", "))) is a label of this runner (\(RunnerLabel.names(of: labels).joined(separator: ", ")))")
        }
        switch label.scheme {
        case .host:
            return TaskHostFactory(root: "\(workdirParent)/task-\(taskID)")
        case .docker(let image):
            guard let podman else {
                throw Unavailable(description: "the label '\(label.name)' runs jobs in containers (docker://\(image)), but no container backend is configured")
            }
            return TaskPodmanFactory(access: podman, image: image, root: "\(workdirParent)/task-\(taskID)")
        case .lxc:
            throw Unavailable(description: "the label '\(label.name)' asks for LXC, which Hearth does not support")
        }
    }
}

/// A host environment whose workspace is the task's own directory.
struct TaskHostFactory: EnvironmentFactory {
    let root: String

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        try TaskHostEnvironment(root: root)
    }
}

/// The host backend for a task: removes the task's whole directory when the job ends.
final class TaskHostEnvironment: ExecutionEnvironment {
    private let host: HostEnvironment
    private let root: String

    init(root: String) throws {
        self.root = root
        host = try HostEnvironment(workspace: "\(root)/workspace", runnerTemp: "\(root)/temp", toolCache: nil)
    }

    var kind: String { host.kind }
    var workspace: String { host.workspace }
    var runnerTemp: String { host.runnerTemp }
    var toolCache: String { host.toolCache }
    var supportsContainers: Bool { host.supportsContainers }
    func baseEnvironment() -> [String: String] { host.baseEnvironment() }
    func hostPath(for environmentPath: String) -> String { host.hostPath(for: environmentPath) }
    func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess { try await host.start(spec) }

    func teardown() async {
        await host.teardown()
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// The daemon's Podman connection, opened on first use (`container.docker_host`, or a
/// `podman system service` of its own) and closed when the daemon stops.
public actor PodmanAccess {
    private let host: String?
    public let options: PodmanEnvironmentOptions
    private var connection: PodmanConnection?

    /// - Parameters:
    ///   - host: `unix:///path` of a running Podman service; nil starts one.
    ///   - options: network, allowed volumes and labels for every job pod.
    public init(host: String?, options: PodmanEnvironmentOptions) {
        self.host = host
        self.options = options
    }

    func client() async throws -> PodmanClient {
        if let connection { return connection.client }
        let opened = try await PodmanConnection.open(host: host)
        connection = opened
        return opened.client
    }

    public func close() async {
        await connection?.close()
        connection = nil
    }

    /// Removes pods, containers, networks and directories a previous run of this runner left
    /// behind (after a crash): everything labelled `hearth=1` plus this runner's labels.
    public func sweep() async throws -> PodmanSweep.Report {
        try await PodmanSweep.removeLeftovers(client: try await client(), labels: options.labels)
    }
}

/// A job pod per task for `docker://` labels: the label's image unless the job names a `container:`.
struct TaskPodmanFactory: EnvironmentFactory {
    let access: PodmanAccess
    let image: String
    let root: String

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        var request = request
        if request.container == nil { request.container = ContainerRequest(image: image) }
        var options = access.options
        options.workspaceHostPath = "\(root)/workspace"
        options.hostTemporaryDirectory = root
        try FileManager.default.createDirectory(atPath: "\(root)/workspace", withIntermediateDirectories: true)
        let environment = try await PodmanEnvironment.create(client: try await access.client(), request: request, options: options)
        return TaskPodEnvironment(pod: environment, root: root)
    }
}

/// A task's pod that also removes the task's directory when the job ends.
final class TaskPodEnvironment: ExecutionEnvironment {
    private let pod: PodmanEnvironment
    private let root: String

    init(pod: PodmanEnvironment, root: String) {
        self.pod = pod
        self.root = root
    }

    var kind: String { pod.kind }
    var workspace: String { pod.workspace }
    var runnerTemp: String { pod.runnerTemp }
    var toolCache: String { pod.toolCache }
    var supportsContainers: Bool { pod.supportsContainers }
    func baseEnvironment() -> [String: String] { pod.baseEnvironment() }
    func hostPath(for environmentPath: String) -> String { pod.hostPath(for: environmentPath) }
    func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess { try await pod.start(spec) }
    func hasProgram(_ program: String, path: String?) async -> Bool { await pod.hasProgram(program, path: path) }
    func node(configured: String?, path: String?) async -> NodeCommand? { await pod.node(configured: configured, path: path) }
    func environmentPath(for hostPath: String) -> String? { pod.environmentPath(for: hostPath) }
    func runContainer(_ step: ContainerStep, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> any RunningProcess {
        try await pod.runContainer(step, log: log)
    }
    func buildImage(_ build: ImageBuild, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> String {
        try await pod.buildImage(build, log: log)
    }

    func teardown() async {
        await pod.teardown()
        try? FileManager.default.removeItem(atPath: root)
    }
}
