import Foundation

/// A build context as the tar archive Podman's build endpoint takes, made with `tar`.
enum ContextArchive {
    static func make(of directory: String) async throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-context-\(UUID().uuidString).tar").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let spec = ProcessSpec(
            executable: "tar", arguments: ["-c", "-f", file, "-C", directory, "."],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], workingDirectory: "/")
        let process = try ChildProcess.launch(spec)
        var output: [String] = []
        for await line in process.lines { output.append(line) }
        let status = await process.waitForExit()
        guard status == 0, let data = FileManager.default.contents(atPath: file) else {
            throw PodmanError("cannot archive the build context \(directory): \(output.suffix(5).joined(separator: " "))")
        }
        return data
    }
}
