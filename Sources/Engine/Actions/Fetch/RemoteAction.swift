/// An action in a git repository served over HTTP(S): `owner/repo[/path]@ref`, resolved against
/// a base URL (the default action instance, or the host a full-URL `uses:` names).
public struct RemoteAction: Sendable, Hashable, CustomStringConvertible {
    /// `https://host` (possibly with a path prefix, or `user:password@` if the `uses:` had it);
    /// no trailing slash.
    public var baseURL: String
    public var owner: String
    public var repo: String
    /// The action's directory inside the repository, `""` for the root.
    public var path: String
    /// A branch, tag or commit sha (or a full ref name such as `refs/heads/main`).
    public var ref: String
    /// True when the `uses:` value named the host itself (`https://host/owner/repo@ref`).
    public var namesHost: Bool

    public init(baseURL: String, owner: String, repo: String, path: String = "", ref: String, namesHost: Bool = false) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.owner = owner
        self.repo = repo
        self.path = path
        self.ref = ref
        self.namesHost = namesHost
    }

    /// The URL git clones: `<baseURL>/owner/repo` (no `.git` suffix, as Forgejo's runner does;
    /// git servers accept both). May carry credentials from the `uses:` value.
    public var cloneURL: String { "\(baseURL)/\(owner)/\(repo)" }

    /// `cloneURL` without credentials, for messages and logs.
    public var repositoryURL: String { ActionURL.removingCredentials(from: cloneURL) }

    /// `owner/repo`, the value of `github.action_repository`.
    public var repository: String { "\(owner)/\(repo)" }

    /// True when `ref` is a full commit sha (40 or 64 hex digits).
    public var refIsCommit: Bool { ActionURL.isCommitSHA(ref) }

    /// `owner/repo[/path]@ref`, prefixed with the credential-free base URL when the `uses:`
    /// value named the host.
    public var description: String {
        let location = path.isEmpty ? "\(owner)/\(repo)" : "\(owner)/\(repo)/\(path)"
        if namesHost {
            return "\(ActionURL.removingCredentials(from: baseURL))/\(location)@\(ref)"
        }
        return "\(location)@\(ref)"
    }
}
