import Expressions

/// What a job accumulates while its steps run: environment and path changes from file commands,
/// action state for post steps, and the post steps themselves.
///
/// Owned by the job's task; steps read and update it between runs.
public struct JobState: Sendable {
    /// Workflow and job `env`, the runner's variables, then everything `GITHUB_ENV` added, in order.
    public var environment: [String: String] = [:]
    /// Directories added with `GITHUB_PATH`, newest first.
    public var pathPrepends: [String] = []
    /// `GITHUB_STATE` values per action step id, given back as `STATE_*` in its later stages.
    public var actionState: [String: [String: String]] = [:]
    /// Post stages of actions that ran, in the order they registered (they run in reverse).
    var postSteps: [PostStep] = []

    public init() {}
}
