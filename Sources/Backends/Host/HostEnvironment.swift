import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs a job's steps directly on this machine, as forgejo-runner's `host` labels do.
///
/// Each step is its own process group. When the job ends, every process group a step started is
/// killed, so background processes (`server &`) do not outlive their job, as on GitHub's runners.
public final class HostEnvironment: ExecutionEnvironment {
    public let kind = "host"
    public let workspace: String
    public let runnerTemp: String
    public let toolCache: String
    public let supportsContainers = false
    private let removeTempOnTeardown: Bool
    private let processGroups = Mutex<[pid_t]>([])

    /// - Parameters:
    ///   - workspace: the job's working tree (created when missing).
    ///   - runnerTemp: a job-private directory; a fresh one under the system temporary directory when nil.
    public init(workspace: String, runnerTemp: String? = nil, toolCache: String? = nil) throws {
        let fileManager = FileManager.default
        self.workspace = workspace
        if let runnerTemp {
            self.runnerTemp = runnerTemp
            removeTempOnTeardown = false
        } else {
            let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
            self.runnerTemp = "\(base)/hearth-job-\(UUID().uuidString.lowercased().prefix(12))"
            removeTempOnTeardown = true
        }
        self.toolCache = toolCache ?? ProcessInfo.processInfo.environment["RUNNER_TOOL_CACHE"] ?? "\(self.runnerTemp)/_tool"
        try fileManager.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: self.runnerTemp, withIntermediateDirectories: true)
    }

    private let inheritedEnvironment = ProcessInfo.processInfo.environment

    public func baseEnvironment() -> [String: String] {
        inheritedEnvironment
    }

    public func hostPath(for environmentPath: String) -> String { environmentPath }

    public func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess {
        let process = try ChildProcess.launch(spec)
        processGroups.withLock { $0.append(process.pid) }
        return process
    }

    public func teardown() async {
        let groups = processGroups.withLock { groups in
            defer { groups = [] }
            return groups
        }
        for group in groups { _ = kill(-group, SIGKILL) }
        if removeTempOnTeardown { try? FileManager.default.removeItem(atPath: runnerTemp) }
    }
}
