import Foundation

/// Fetches remote actions over git HTTP(S) into an on-disk cache and finds their directories.
///
/// The cache keeps one clean tree (no `.git`) per repository and resolved commit,
/// `<cacheDirectory>/<host-owner-repo>-<hash>/<commit>/`, each built in a work directory and
/// renamed into place, so fetchers and processes can share it. Make one fetcher per run:
/// - a commit-sha ref whose tree is cached needs no network at all;
/// - a branch or tag is resolved at most once per fetcher (later fetches reuse the commit, even
///   if the branch moves meanwhile), and concurrent fetches of the same repository and ref share
///   one network operation;
/// - a branch or tag resolved before (by any fetcher on this cache) is checked with one cheap
///   `git ls-remote`; the tree is downloaded (a shallow `git fetch`) only when the commit changed;
/// - if the server cannot be reached and the ref was resolved before, the cached commit is used
///   and a warning says so.
///
/// With `offline`, a ref resolved before is used without asking the server (as forgejo-runner's
/// offline mode); anything not cached is still fetched.
///
/// The token goes in an HTTP `Authorization` header (basic, password = token) to the hosts in
/// `tokenHosts` (all hosts when nil) unless the action's URL carries its own credentials; it is
/// never on a command line and never in an error message.
public actor ActionFetcher {
    public nonisolated let cacheDirectory: String
    public nonisolated let offline: Bool
    /// How many git commands that talk to a server (`fetch`, `ls-remote`) this fetcher ran.
    public private(set) var networkOperations = 0

    private let token: String?
    private let tokenHosts: Set<String>?
    private let cache: ActionCache
    private var resolutions: [ResolutionKey: Resolution] = [:]
    private var inFlight: [ResolutionKey: Task<Resolution, any Error>] = [:]
    private var removedStaleWork = false

    /// - Parameters:
    ///   - cacheDirectory: where trees are kept (created when needed; made absolute).
    ///   - token: sent as the password of HTTP basic authentication.
    ///   - tokenHosts: hosts that may receive the token: `host` (any port), `host:port`,
    ///     `[v6]:port` or a URL (its host and port); nil sends it to every host. Pass the Forgejo
    ///     instance so a token never reaches a third party.
    ///   - offline: reuse a previously resolved ref without asking the server.
    public init(cacheDirectory: String, token: String? = nil, tokenHosts: Set<String>? = nil, offline: Bool = false) {
        self.cacheDirectory = URL(fileURLWithPath: cacheDirectory).standardizedFileURL.path
        self.token = token
        self.tokenHosts = tokenHosts.map { entries in
            Set(entries.map { entry in
                let authority = entry.contains("://") ? ActionURL.hostAndPort(of: entry) ?? "" : entry.lowercased()
                // "[::1]" alone is a host; "[::1]:3000" keeps its port.
                return authority.hasPrefix("[") && authority.hasSuffix("]") ? ActionURL.hostOnly(authority) : authority
            })
        }
        self.offline = offline
        cache = ActionCache(root: self.cacheDirectory)
    }

    /// Resolves `action.ref`, makes sure its tree is in the cache and returns the action's
    /// directory, after checking that it exists and has an `action.yml` or `action.yaml`.
    ///
    /// Failures are not remembered: a later fetch of the same action tries again. Cancelling a
    /// fetch stops the git command it waits for, which fails every fetch sharing it with
    /// `.cancelled`.
    public func fetch(_ action: RemoteAction) async throws(ActionFetchError) -> FetchedAction {
        if let problem = ActionReference.refProblem(action.ref) {
            throw .invalidRef(ref: action.ref, reason: problem)
        }
        let key = ResolutionKey(
            repository: ActionURL.cacheIdentity(of: action.cloneURL),
            ref: action.refIsCommit ? action.ref.lowercased() : action.ref)
        let resolution: Resolution
        if let known = resolutions[key] {
            resolution = known
        } else {
            let task: Task<Resolution, any Error>
            if let running = inFlight[key] {
                task = running
            } else {
                task = Task { try await self.resolve(action, identity: key.repository) }
                inFlight[key] = task
            }
            let outcome = await withTaskCancellationHandler {
                await task.result
            } onCancel: {
                task.cancel()
            }
            if inFlight[key] == task { inFlight[key] = nil }
            switch outcome {
            case .success(let value):
                resolutions[key] = value
                resolution = value
            case .failure(let error as ActionFetchError):
                throw error
            case .failure(is CancellationError):
                throw .cancelled
            case .failure(let error):
                throw .gitFailed(url: action.repositoryURL, detail: String(describing: error))
            }
        }
        return try locate(action, in: resolution)
    }

    // MARK: - Resolution

    private func resolve(_ action: RemoteAction, identity: String) async throws(ActionFetchError) -> Resolution {
        let git = GitRunner(cloneURL: action.cloneURL, token: tokenApplies(to: action.cloneURL) ? token : nil, home: cacheDirectory)
        if action.refIsCommit {
            let commit = action.ref.lowercased()
            if cache.hasTree(for: identity, commit: commit) {
                return Resolution(commit: commit, tree: cache.treeDirectory(for: identity, commit: commit))
            }
            let downloaded = try await download(action, identity: identity, git: git, commit: commit)
            return Resolution(commit: downloaded.commit, tree: downloaded.tree)
        }

        let remembered = cache.recordedCommit(for: identity, ref: action.ref).flatMap {
            cache.hasTree(for: identity, commit: $0) ? $0 : nil
        }
        if let remembered {
            if offline {
                return Resolution(commit: remembered, tree: cache.treeDirectory(for: identity, commit: remembered))
            }
            do throws(ActionFetchError) {
                let current = try await lsRemote(action, git: git)
                if cache.hasTree(for: identity, commit: current) {
                    if current != remembered { try? cache.record(commit: current, for: identity, ref: action.ref) }
                    return Resolution(commit: current, tree: cache.treeDirectory(for: identity, commit: current))
                }
            } catch {
                guard case .unreachable(_, let detail) = error else { throw error }
                return offlineResolution(action, identity: identity, commit: remembered, detail: detail)
            }
        }
        do throws(ActionFetchError) {
            let downloaded = try await download(action, identity: identity, git: git, commit: nil)
            try cache.record(commit: downloaded.commit, for: identity, ref: action.ref)
            return Resolution(commit: downloaded.commit, tree: downloaded.tree)
        } catch {
            guard case .unreachable(_, let detail) = error, let remembered else { throw error }
            return offlineResolution(action, identity: identity, commit: remembered, detail: detail)
        }
    }

    private func offlineResolution(_ action: RemoteAction, identity: String, commit: String, detail: String) -> Resolution {
        let reason = detail.isEmpty ? "" : " (\(detail))"
        let warning = "cannot reach \(action.repositoryURL)\(reason); using commit \(commit) of '\(action.ref)' "
            + "from the action cache, as resolved earlier"
        return Resolution(commit: commit, tree: cache.treeDirectory(for: identity, commit: commit), warnings: [warning])
    }

    /// The commit `action.ref` names on the server now, the way `git fetch` picks among refs of
    /// that name (exact, then tags, then branches), peeling annotated tags.
    private func lsRemote(_ action: RemoteAction, git: GitRunner) async throws(ActionFetchError) -> String {
        networkOperations += 1
        let output = try await git.run(["ls-remote", "--quiet", "--", action.cloneURL, action.ref], in: try ensureCacheRoot())
        guard output.succeeded else { throw git.failure(of: output, ref: action.ref) }
        var refs: [String: String] = [:]
        for line in output.lines {
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2, ActionURL.isCommitSHA(String(fields[0])) else { continue }
            refs[String(fields[1])] = String(fields[0]).lowercased()
        }
        let ref = action.ref
        for candidate in [ref, "refs/\(ref)", "refs/tags/\(ref)", "refs/heads/\(ref)"] {
            if let peeled = refs[candidate + "^{}"] { return peeled }
            if let commit = refs[candidate] { return commit }
        }
        throw .refNotFound(ref: ref, url: git.displayURL)
    }

    /// Downloads `commit` (or `action.ref` when nil) into a work directory and installs its tree.
    private func download(
        _ action: RemoteAction, identity: String, git: GitRunner, commit: String?
    ) async throws(ActionFetchError) -> (commit: String, tree: String) {
        let root = try ensureCacheRoot()
        if !removedStaleWork {
            removedStaleWork = true
            cache.removeStaleWorkDirectories(olderThan: 24 * 3600)
        }
        let work = try cache.makeWorkDirectory()
        defer { cache.removeWorkDirectory(work) }
        let checkout = "\(work)/tree"
        let initialized = try await git.run(["init", "--quiet", "--", checkout], in: root)
        guard initialized.succeeded else {
            throw .gitFailed(url: git.displayURL, detail: GitRunner.summary(of: initialized))
        }

        let target = commit ?? action.ref
        networkOperations += 1
        let shallow = try await git.run(["fetch", "--quiet", "--no-tags", "--depth=1", "--", action.cloneURL, target], in: checkout)
        var revision = "FETCH_HEAD"
        if !shallow.succeeded {
            let failure = git.failure(of: shallow, ref: action.ref)
            // Servers may refuse a commit that is no branch or tag tip: fetch everything instead.
            guard commit != nil, case .refNotFound = failure else { throw failure }
            networkOperations += 1
            let full = try await git.run(
                ["fetch", "--quiet", "--no-tags", "--", action.cloneURL, "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"],
                in: checkout)
            guard full.succeeded else { throw git.failure(of: full, ref: action.ref) }
            revision = target
        }

        let parsed = try await git.run(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: checkout)
        guard parsed.succeeded, let resolved = parsed.lines.first(where: { ActionURL.isCommitSHA($0) })?.lowercased() else {
            if commit != nil { throw .refNotFound(ref: action.ref, url: git.displayURL) }
            throw .gitFailed(url: git.displayURL, detail: "cannot resolve the fetched '\(action.ref)'")
        }
        if cache.hasTree(for: identity, commit: resolved) {
            return (resolved, cache.treeDirectory(for: identity, commit: resolved))
        }
        let checkedOut = try await git.run(["checkout", "--quiet", "--detach", resolved], in: checkout)
        guard checkedOut.succeeded else {
            throw .gitFailed(url: git.displayURL, detail: GitRunner.summary(of: checkedOut))
        }
        do {
            try FileManager.default.removeItem(atPath: "\(checkout)/.git")
        } catch {
            throw .cacheFailed(detail: "cannot remove \(checkout)/.git: \(error.localizedDescription)")
        }
        let tree = try cache.install(tree: checkout, for: identity, commit: resolved, repositoryURL: git.displayURL)
        return (resolved, tree)
    }

    private func ensureCacheRoot() throws(ActionFetchError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cacheFailed(detail: "cannot create \(cacheDirectory): \(error.localizedDescription)")
        }
        return cacheDirectory
    }

    private func tokenApplies(to url: String) -> Bool {
        guard let token, !token.isEmpty, ActionURL.credentials(in: url) == nil else { return false }
        guard let tokenHosts else { return true }
        guard let hostAndPort = ActionURL.hostAndPort(of: url), let host = ActionURL.host(of: url) else { return false }
        return tokenHosts.contains(hostAndPort) || tokenHosts.contains(host)
    }

    // MARK: - The action's directory

    private func locate(_ action: RemoteAction, in resolution: Resolution) throws(ActionFetchError) -> FetchedAction {
        let manager = FileManager.default
        let directory = action.path.isEmpty ? resolution.tree : "\(resolution.tree)/\(action.path)"
        var isDirectory: ObjCBool = false
        let realTree = URL(fileURLWithPath: resolution.tree).resolvingSymlinksInPath().path
        let realDirectory = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            realDirectory == realTree || realDirectory.hasPrefix(realTree + "/")
        else {
            throw .pathNotFound(path: action.path, url: action.repositoryURL, ref: action.ref)
        }
        for name in ["action.yml", "action.yaml"] {
            let file = "\(directory)/\(name)"
            if manager.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue {
                return FetchedAction(
                    directory: directory, actionFile: file, repositoryDirectory: resolution.tree,
                    commit: resolution.commit, repositoryURL: action.repositoryURL, ref: action.ref,
                    path: action.path, warnings: resolution.warnings)
            }
        }
        throw .actionFileMissing(path: action.path, url: action.repositoryURL, ref: action.ref)
    }
}

/// A repository (cache identity) and a ref: what one network resolution is shared by.
private struct ResolutionKey: Hashable, Sendable {
    var repository: String
    var ref: String
}

/// A ref resolved to a commit whose tree is in the cache.
private struct Resolution: Sendable {
    var commit: String
    var tree: String
    var warnings: [String] = []
}
