import Backends
import Foundation
import Synchronization

/// Finds the `node` that runs JavaScript actions: the configured one, else `node` in the step's
/// `PATH`, and learns its major version once.
enum NodeRuntime {
    struct Found: Sendable {
        var path: String
        var major: Int
    }

    private static let versions = Mutex<[String: Int]>([:])

    /// nil when no node can be found.
    static func locate(configured: String?, path: String?) -> Found? {
        guard let executable = ExecutableLookup.resolve(configured ?? "node", path: path) else { return nil }
        if let major = versions.withLock({ $0[executable] }) { return Found(path: executable, major: major) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // "v20.20.2" → 20
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let major = Int(text.dropFirst(text.hasPrefix("v") ? 1 : 0).split(separator: ".").first ?? "") ?? 0
        versions.withLock { $0[executable] = major }
        return Found(path: executable, major: major)
    }

    /// `node20` → 20.
    static func requestedMajor(_ using: String) -> Int? {
        Int(using.lowercased().replacingOccurrences(of: "node", with: ""))
    }
}
