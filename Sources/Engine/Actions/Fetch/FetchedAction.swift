/// A remote action checked out in the cache, ready to be read and run.
public struct FetchedAction: Sendable, Hashable {
    /// The action's directory: the checked-out tree plus the action's sub path
    /// (`github.action_path`).
    public var directory: String
    /// `directory/action.yml` or `directory/action.yaml`, whichever exists (`.yml` first).
    public var actionFile: String
    /// The root of the checked-out tree (a clean tree of `commit`, without `.git`). Shared by
    /// every user of the cache: treat it as read-only.
    public var repositoryDirectory: String
    /// The resolved commit sha.
    public var commit: String
    /// The repository URL without credentials.
    public var repositoryURL: String
    /// The ref as written in `uses:`.
    public var ref: String
    /// The action's sub path in the repository, `""` for the root.
    public var path: String
    /// Things the user should know, e.g. that a cached commit was used because the server could
    /// not be reached. Repeated for every fetch of the same repository and ref.
    public var warnings: [String]

    public init(
        directory: String, actionFile: String, repositoryDirectory: String, commit: String,
        repositoryURL: String, ref: String, path: String, warnings: [String] = []
    ) {
        self.directory = directory
        self.actionFile = actionFile
        self.repositoryDirectory = repositoryDirectory
        self.commit = commit
        self.repositoryURL = repositoryURL
        self.ref = ref
        self.path = path
        self.warnings = warnings
    }
}
