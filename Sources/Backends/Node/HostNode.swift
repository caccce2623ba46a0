import Foundation
import Synchronization

/// Finds `node` on the machine Hearth runs on (the configured path, else `node` in `PATH`) and
/// learns its major version once per path.
public enum HostNode {
    private static let versions = Mutex<[String: Int]>([:])

    public static func locate(configured: String?, path: String?) async -> NodeCommand? {
        guard let executable = ExecutableLookup.resolve(configured ?? "node", path: path) else { return nil }
        if let major = versions.withLock({ $0[executable] }) { return NodeCommand(executable: executable, major: major, origin: executable) }
        let spec = ProcessSpec(executable: executable, arguments: ["--version"], environment: ["PATH": path ?? "/usr/bin:/bin"], workingDirectory: "/")
        guard let process = try? ChildProcess.launch(spec) else { return nil }
        var text = ""
        for await line in process.lines { text += line }
        _ = await process.waitForExit()
        let major = NodeVersion.major(text)
        versions.withLock { $0[executable] = major }
        return NodeCommand(executable: executable, major: major, origin: executable)
    }
}

/// Node version strings.
public enum NodeVersion {
    /// "v20.20.2" → 20; 0 when the text is not a version.
    public static func major(_ text: String) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Int(trimmed.dropFirst(trimmed.hasPrefix("v") ? 1 : 0).split(separator: ".").first ?? "") ?? 0
    }

    /// `node20` → 20.
    public static func requestedMajor(_ using: String) -> Int? {
        Int(using.lowercased().replacingOccurrences(of: "node", with: ""))
    }
}
