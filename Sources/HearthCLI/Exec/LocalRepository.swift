import Foundation

/// What `git` knows about the directory `hearth exec` runs in: the values forgejo-runner exec and
/// act put into the `github` context. Every field has a fallback, so a plain directory works too.
struct LocalRepository {
    var root: String
    var sha: String
    var ref: String
    var refName: String
    var refType: String
    /// `owner/name`, from the `origin` remote or the directory name.
    var repository: String
    var actor: String

    var owner: String { String(repository.split(separator: "/").first ?? "local") }

    static func inspect(_ directory: String) -> LocalRepository {
        let root = git(["rev-parse", "--show-toplevel"], in: directory) ?? directory
        let sha = git(["rev-parse", "HEAD"], in: directory) ?? String(repeating: "0", count: 40)
        var ref = "refs/heads/main"
        var refName = "main"
        var refType = "branch"
        if let branch = git(["symbolic-ref", "-q", "HEAD"], in: directory) {
            ref = branch
            refName = String(branch.dropFirst("refs/heads/".count))
        } else if let tag = git(["describe", "--tags", "--exact-match", "HEAD"], in: directory) {
            ref = "refs/tags/\(tag)"
            refName = tag
            refType = "tag"
        }
        let repository = git(["remote", "get-url", "origin"], in: directory).flatMap(repositoryName(fromRemote:))
            ?? "local/\((root as NSString).lastPathComponent)"
        let actor = git(["config", "user.name"], in: directory).map { $0.replacingOccurrences(of: " ", with: "") }.flatMap { $0.isEmpty ? nil : $0 } ?? "hearth"
        return LocalRepository(root: root, sha: sha, ref: ref, refName: refName, refType: refType, repository: repository, actor: actor)
    }

    /// `https://host/owner/name.git`, `git@host:owner/name` → `owner/name`.
    static func repositoryName(fromRemote remote: String) -> String? {
        var path = remote
        if let range = path.range(of: "://") {
            path = String(path[range.upperBound...])
            path = path.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        } else if let colon = path.firstIndex(of: ":") {
            path = String(path[path.index(after: colon)...])
        }
        if path.hasSuffix(".git") { path = String(path.dropLast(4)) }
        let parts = path.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return parts.suffix(2).joined(separator: "/")
    }

    private static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
