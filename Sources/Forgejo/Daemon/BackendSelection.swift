import Backends
import Engine
import Foundation

/// Picks where a task's job runs from the runner's labels, as forgejo-runner does: the first
/// `runs-on` entry that names one of the labels decides (§4.2).
public struct BackendSelection: Sendable {
    public var labels: [RunnerLabel]
    /// Below it each task gets `task-<id>/<owner>/<repo>` as its workspace.
    public var workdirParent: String

    public init(labels: [RunnerLabel], workdirParent: String) {
        self.labels = labels
        self.workdirParent = workdirParent
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
            throw Unavailable(description: "the label '\(label.name)' runs jobs in containers (docker://\(image)); this version of Hearth runs jobs on the host only: register a ':host' label, or wait for the Podman backend")
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
