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
    static func locate(configured: String?, path: String?) async -> Found? {
        guard let executable = ExecutableLookup.resolve(configured ?? "node", path: path) else { return nil }
        if let major = versions.withLock({ $0[executable] }) { return Found(path: executable, major: major) }
        let spec = ProcessSpec(executable: executable, arguments: ["--version"], environment: ["PATH": path ?? "/usr/bin:/bin"], workingDirectory: "/")
        guard let process = try? ChildProcess.launch(spec) else { return nil }
        var text = ""
        for await line in process.lines { text += line }
        _ = await process.waitForExit()
        // "v20.20.2" → 20
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let major = Int(text.dropFirst(text.hasPrefix("v") ? 1 : 0).split(separator: ".").first ?? "") ?? 0
        versions.withLock { $0[executable] = major }
        return Found(path: executable, major: major)
    }

    /// `node20` → 20.
    static func requestedMajor(_ using: String) -> Int? {
        Int(using.lowercased().replacingOccurrences(of: "node", with: ""))
    }
}
