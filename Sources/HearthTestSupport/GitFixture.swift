import Foundation

/// Builds bare git repositories for tests, without a work tree: blobs, trees and commits are
/// written with git's plumbing directly into `<root>/<owner>/<repo>.git`, so a test can later add
/// commits that move a branch or a tag while a `GitHTTPServer` serves the repository.
///
/// Commits have a fixed author, committer and date, so the same content gives the same commit.
/// A file whose content starts with `#!` is committed as executable.
public enum GitFixture {
    /// The bare repository's directory for `name` ("owner/repo") under `root`.
    public static func repositoryPath(root: String, name: String) -> String {
        "\(root)/\(name).git"
    }

    /// Creates the bare repository `<root>/<name>.git` whose branch `branch` has one commit with
    /// `files` (path → content), tags that commit with the lightweight `tags`, and returns its sha.
    @discardableResult
    public static func makeRepository(
        at root: String,
        name: String,
        files: [String: String],
        tags: [String] = [],
        branch: String = "main"
    ) throws(GitFixtureError) -> String {
        let path = repositoryPath(root: root, name: name)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GitFixtureError("cannot create \(path): \(error)")
        }
        try git(["init", "--bare", "--quiet", "--initial-branch=\(branch)", path])
        return try commit(at: root, name: name, files: files, branch: branch, tags: tags, message: "initial")
    }

    /// Adds a commit on `branch` (created if missing) of the repository `name` that writes `files`
    /// and deletes `removing`, then points the lightweight `tags` at it (moving them if they
    /// exist). Returns the new commit's sha.
    @discardableResult
    public static func commit(
        at root: String,
        name: String,
        files: [String: String],
        removing: [String] = [],
        branch: String = "main",
        tags: [String] = [],
        message: String = "update"
    ) throws(GitFixtureError) -> String {
        let repository = repositoryPath(root: root, name: name)
        let indexFile = NSTemporaryDirectory() + "/hearth-fixture-index-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: indexFile) }
        let indexEnvironment = ["GIT_INDEX_FILE": indexFile]

        let parent = try? git(["-C", repository, "rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"])
        if let parent {
            try git(["-C", repository, "read-tree", parent], extra: indexEnvironment)
        } else {
            try git(["-C", repository, "read-tree", "--empty"], extra: indexEnvironment)
        }
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let blob = try git(["-C", repository, "hash-object", "-w", "--stdin"], input: Array(content.utf8))
            let mode = content.hasPrefix("#!") ? "100755" : "100644"
            try git(["-C", repository, "update-index", "--add", "--cacheinfo", "\(mode),\(blob),\(path)"], extra: indexEnvironment)
        }
        for path in removing {
            try git(["-C", repository, "update-index", "--force-remove", path], extra: indexEnvironment)
        }
        let tree = try git(["-C", repository, "write-tree"], extra: indexEnvironment)
        var arguments = ["-C", repository, "commit-tree", tree, "-m", message]
        if let parent { arguments += ["-p", parent] }
        let commit = try git(arguments)
        try git(["-C", repository, "update-ref", "refs/heads/\(branch)", commit])
        for tag in tags {
            try git(["-C", repository, "tag", "--force", tag, commit])
        }
        return commit
    }

    /// Points `tag` at `commit` (default: the tip of `branch`), moving it if it exists. An
    /// annotated tag gets a tag object with `message`.
    public static func tag(
        at root: String,
        name: String,
        tag: String,
        commit: String? = nil,
        branch: String = "main",
        annotated: Bool = false,
        message: String = "release"
    ) throws(GitFixtureError) {
        let repository = repositoryPath(root: root, name: name)
        let target = commit ?? "refs/heads/\(branch)"
        if annotated {
            try git(["-C", repository, "tag", "--force", "--annotate", "-m", message, tag, target])
        } else {
            try git(["-C", repository, "tag", "--force", tag, target])
        }
    }

    /// Deletes a branch or tag (`refs/heads/x`, `refs/tags/v1`) of the repository `name`.
    public static func deleteRef(at root: String, name: String, ref: String) throws(GitFixtureError) {
        try git(["-C", repositoryPath(root: root, name: name), "update-ref", "-d", ref])
    }

    /// Runs git with a fixed identity and no user or system configuration; returns its trimmed
    /// standard output.
    @discardableResult
    public static func git(_ arguments: [String], input: [UInt8] = []) throws(GitFixtureError) -> String {
        try git(arguments, extra: [:], input: input)
    }

    @discardableResult
    private static func git(_ arguments: [String], extra: [String: String], input: [UInt8] = []) throws(GitFixtureError) -> String {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": NSTemporaryDirectory(),
            "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": "Hearth Fixture",
            "GIT_AUTHOR_EMAIL": "fixture@hearth.invalid",
            "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
            "GIT_COMMITTER_NAME": "Hearth Fixture",
            "GIT_COMMITTER_EMAIL": "fixture@hearth.invalid",
            "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        ]
        environment.merge(extra) { $1 }
        let result: SubprocessResult
        do {
            result = try Subprocess.run("git", arguments, environment: environment, input: input)
        } catch {
            throw GitFixtureError(error.description)
        }
        guard result.status == 0 else {
            throw GitFixtureError("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.errorText)")
        }
        return result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
