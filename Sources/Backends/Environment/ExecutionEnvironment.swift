/// Where one job's steps run: a directory on the host, a Podman pod, a Kubernetes Pod.
///
/// The engine speaks only to this protocol. Paths given to and returned by an environment are
/// paths *as steps see them*; `hostPath(for:)` translates one of them into a path Hearth can read
/// and write itself (the file-command files and step scripts live in `runnerTemp`, which every
/// environment must share with the Hearth process).
public protocol ExecutionEnvironment: Sendable {
    /// A short name for messages: "host", "podman", "kubernetes".
    var kind: String { get }
    /// The job's workspace (`GITHUB_WORKSPACE`).
    var workspace: String { get }
    /// A directory private to the job (`RUNNER_TEMP`), shared with Hearth.
    var runnerTemp: String { get }
    /// `RUNNER_TOOL_CACHE`.
    var toolCache: String { get }
    /// Whether a `docker://` step or Docker action can run here.
    var supportsContainers: Bool { get }
    /// Whether steps run inside the job's container and its services run beside them (Podman,
    /// Kubernetes); false where `container:` and `services:` are ignored (the host).
    var runsJobContainers: Bool { get }

    /// Variables every process starts with before the engine adds the job's own (host: Hearth's
    /// own environment; containers: the image's).
    func baseEnvironment() -> [String: String]

    /// Translates a path inside `runnerTemp` or `workspace` into one Hearth can open.
    func hostPath(for environmentPath: String) -> String

    /// The path steps see for a path on Hearth's side (e.g. a fetched action in the action
    /// cache); nil when that directory is not shared with the steps.
    func environmentPath(for hostPath: String) -> String?

    /// Starts a process; its working directory and paths are environment paths.
    func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess

    /// Removes everything the job left behind (processes, containers, temporary files).
    func teardown() async

    /// Whether `program` can be found with `path` where steps run (the default shell is bash
    /// only where bash exists, as on GitHub).
    func hasProgram(_ program: String, path: String?) async -> Bool

    /// How JavaScript actions start node where steps run; nil when there is none. `configured` is
    /// the runner's node setting (a path on the runner's machine).
    func node(configured: String?, path: String?) async -> NodeCommand?

    /// Runs a container beside the job's (Docker actions); only where `supportsContainers`.
    /// `log` receives progress lines (an image being pulled).
    func runContainer(_ step: ContainerStep, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> any RunningProcess

    /// Builds a Dockerfile action's image (reusing one already built under that tag) and returns
    /// its reference; `log` receives the build's output.
    func buildImage(_ build: ImageBuild, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> String
}

extension ExecutionEnvironment {
    public var runsJobContainers: Bool { supportsContainers }

    /// On the machine Hearth runs on.
    public func hasProgram(_ program: String, path: String?) async -> Bool {
        ExecutableLookup.resolve(program, path: path) != nil
    }

    public func runContainer(_ step: ContainerStep, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> any RunningProcess {
        throw ProcessLaunchError("the \(kind) backend cannot run containers")
    }

    public func buildImage(_ build: ImageBuild, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> String {
        throw ProcessLaunchError("the \(kind) backend cannot build images")
    }

    /// Steps run where Hearth does: every path is the same.
    public func environmentPath(for hostPath: String) -> String? { hostPath }

    /// On the machine Hearth runs on: the configured node, else `node` in `path`.
    public func node(configured: String?, path: String?) async -> NodeCommand? {
        await HostNode.locate(configured: configured, path: path)
    }
}

/// A process started by an execution environment.
public protocol RunningProcess: Sendable {
    /// Merged stdout and stderr, one element per line.
    var lines: AsyncStream<String> { get }
    /// Waits for the exit code (128 + signal when killed by a signal).
    func waitForExit() async -> Int32
    /// SIGTERM to the process group, SIGKILL after `grace`.
    func terminate(grace: Duration)
}

extension ChildProcess: RunningProcess {}
