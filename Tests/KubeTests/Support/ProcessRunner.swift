import Foundation

/// What a finished program printed.
struct ProcessOutput {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs programs (kubectl, python3) with output captured in files; every wait is bounded.
final class RunningProcess: @unchecked Sendable {
    let process = Process()
    let outputPath: String
    let errorPath: String
    private let exited: AsyncStream<Void>

    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: TemporaryDirectory) throws {
        let id = UUID().uuidString
        outputPath = (directory.path as NSString).appendingPathComponent("\(id).out")
        errorPath = (directory.path as NSString).appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        exited = stream
        process.terminationHandler = { _ in continuation.finish() }
        try process.run()
    }

    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits for the exit, at most `timeout`; returns false when it is still running.
    func waitForExit(timeout: Duration) async -> Bool {
        let exited = self.exited
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exited {}
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// SIGTERM, then SIGKILL if it does not go within five seconds.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        if !(await waitForExit(timeout: .seconds(5))) {
            kill(process.processIdentifier, SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }

    /// Runs to completion (killed after `timeout`).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], directory: TemporaryDirectory,
                    timeout: Duration = .seconds(60)) async throws -> ProcessOutput {
        let running = try RunningProcess(executable, arguments, environment: environment, directory: directory)
        if !(await running.waitForExit(timeout: timeout)) {
            await running.stop()
            throw TimedOut(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return ProcessOutput(status: running.process.terminationStatus, standardOutput: running.standardOutput,
                             standardError: running.standardError)
    }
}
