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
    /// The instance the `origin` remote points at (`https://host[/sub-path]`); nil without one.
    var serverURL: String?

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
        let origin = git(["remote", "get-url", "origin"], in: directory)
        let repository = origin.flatMap(repositoryName(fromRemote:)) ?? "local/\((root as NSString).lastPathComponent)"
        let actor = git(["config", "user.name"], in: directory).map { $0.replacingOccurrences(of: " ", with: "") }.flatMap { $0.isEmpty ? nil : $0 } ?? "hearth"
        return LocalRepository(root: root, sha: sha, ref: ref, refName: refName, refType: refType, repository: repository, actor: actor,
                               serverURL: origin.flatMap(serverURL(fromRemote:)))
    }

    /// `https://host/sub/owner/name.git` → `https://host/sub`; `git@host:owner/name` and
    /// `ssh://git@host/owner/name` → `https://host`.
    static func serverURL(fromRemote remote: String) -> String? {
        if remote.hasPrefix("http://") || remote.hasPrefix("https://") {
            var parts = remote.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            while parts.last == "" { parts.removeLast() }
            guard parts.count >= 5 else { return nil }  // scheme:, "", host, owner, name
            var host = parts[2]
            if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }  // credentials
            return ([parts[0], "", host] + parts[3..<(parts.count - 2)]).joined(separator: "/")
        }
        var rest = remote
        if let range = rest.range(of: "://") { rest = String(rest[range.upperBound...]) }
        if let at = rest.firstIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }
        guard let host = rest.split(whereSeparator: { $0 == ":" || $0 == "/" }).first, !host.isEmpty else { return nil }
        return "https://\(host)"
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
