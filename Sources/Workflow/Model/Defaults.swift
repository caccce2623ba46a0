/// `defaults:` of a workflow or job.
public struct Defaults: Sendable, Hashable {
    public var run: RunDefaults?

    public init(run: RunDefaults? = nil) {
        self.run = run
    }
}

/// `defaults.run:`.
public struct RunDefaults: Sendable, Hashable {
    public var shell: String?
    /// `working-directory:` (a template at job level).
    public var workingDirectory: String?

    public init(shell: String? = nil, workingDirectory: String? = nil) {
        self.shell = shell
        self.workingDirectory = workingDirectory
    }
}
