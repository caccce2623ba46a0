import Backends
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files behind `GITHUB_ENV`, `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_PATH` and
/// `GITHUB_STEP_SUMMARY`: created once per job, empty when a step starts, read back and emptied
/// after it. Reusing the same files keeps a step's set-up to a few `stat` calls.
public struct FileCommandFiles: Sendable {
    /// Variable name → path as the step sees it.
    public let environmentPaths: [String: String]
    private let hostPaths: [String: String]

    static let variables = ["GITHUB_ENV": "set_env", "GITHUB_OUTPUT": "set_output", "GITHUB_STATE": "save_state", "GITHUB_PATH": "add_path", "GITHUB_STEP_SUMMARY": "step_summary"]

    /// Creates the files under the environment's `runnerTemp`.
    public init(in environment: any ExecutionEnvironment) throws {
        let directory = "\(environment.runnerTemp)/_runner_file_commands"
        let hostDirectory = environment.hostPath(for: directory)
        try FileManager.default.createDirectory(atPath: hostDirectory, withIntermediateDirectories: true)
        let suffix = UUID().uuidString.lowercased()
        var environmentPaths: [String: String] = [:]
        var hostPaths: [String: String] = [:]
        for (variable, prefix) in Self.variables {
            let name = "\(prefix)_\(suffix)"
            environmentPaths[variable] = "\(directory)/\(name)"
            hostPaths[variable] = "\(hostDirectory)/\(name)"
            guard FileManager.default.createFile(atPath: "\(hostDirectory)/\(name)", contents: Data()) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "\(hostDirectory)/\(name)"])
            }
        }
        self.environmentPaths = environmentPaths
        self.hostPaths = hostPaths
    }

    /// The file's contents, or "" when it is empty or the step removed it.
    public func contents(of variable: String) -> String {
        guard let path = hostPaths[variable] else { return "" }
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0, let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Makes every file exist and be empty (a step may have removed or filled one).
    public func reset() throws {
        for path in hostPaths.values {
            var info = stat()
            if stat(path, &info) == 0 && info.st_size == 0 { continue }
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            close(descriptor)
        }
    }

    /// What the step wrote, parsed. Throws a message naming the file when a file is malformed.
    public func read() throws -> FileCommandResults {
        var results = FileCommandResults()
        for (key, value) in try FileCommandParser.parseKeyValueFile(contents(of: "GITHUB_ENV")) {
            results.environment.append((key, value))
        }
        for (key, value) in try FileCommandParser.parseKeyValueFile(contents(of: "GITHUB_OUTPUT")) {
            results.outputs[key] = value
        }
        for (key, value) in try FileCommandParser.parseKeyValueFile(contents(of: "GITHUB_STATE")) {
            results.state[key] = value
        }
        results.paths = FileCommandParser.parsePathFile(contents(of: "GITHUB_PATH"))
        results.summary = contents(of: "GITHUB_STEP_SUMMARY")
        return results
    }

    /// Deletes the files (at the end of the job).
    public func remove() {
        for path in hostPaths.values { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// The effects a step requested through file commands.
public struct FileCommandResults: Sendable {
    public var environment: [(String, String)] = []
    public var outputs: [String: String] = [:]
    public var state: [String: String] = [:]
    public var paths: [String] = []
    public var summary = ""
}
