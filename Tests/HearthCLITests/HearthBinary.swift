import Foundation
import Testing

/// Runs the built `hearth` executable as a user would, capturing its output and exit status.
enum HearthBinary {
    /// The `hearth` binary beside the test bundle in the build directory.
    static var path: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hearth").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return ".build/debug/hearth"
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs hearth with `arguments`; `onLine` sees stdout lines as they come (e.g. to send a signal).
    static func run(_ arguments: [String], in directory: String? = nil, onLine: (@Sendable (String, Process) -> Void)? = nil) async throws -> Result {
        try await runProgram(path, arguments, in: directory, onLine: onLine)
    }

    /// Runs any program the same way (e.g. `su` to run hearth as another user).
    static func runProgram(
        _ executable: String, _ arguments: [String], in directory: String? = nil, onLine: (@Sendable (String, Process) -> Void)? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Blocking reads and waits run on their own threads, never on the (two-thread) cooperative
        // pool, which other tests need for their timers.
        async let errorOutput = HearthBinary.onThread { stderr.fileHandleForReading.readDataToEndOfFile() }
        let reader = stdout.fileHandleForReading
        async let collectedOutput = HearthBinary.onThread { () -> Data in
            var all = Data()
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                all.append(chunk)
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending = Data(pending[pending.index(after: newline)...])
                    onLine?(line, process)
                }
            }
            return all
        }
        let collected = await collectedOutput
        let errData = await errorOutput
        await HearthBinary.onThread { process.waitUntilExit() }
        return Result(status: process.terminationStatus, stdout: String(decoding: collected, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs blocking work on a dedicated thread and returns its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
        }
    }

    /// A throwaway repository directory with the given files.
    static func repository(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cli-\(UUID().uuidString.prefix(8))").path
        for (path, contents) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return directory
    }
}
