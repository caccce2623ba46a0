import Backends
import Expressions
import Foundation

/// Everything a run shares across its jobs: where it came from and what it was given.
///
/// `hearth exec` fills this from the command line and the local repository; the daemon fills it
/// from a Forgejo task. The engine never looks further than this.
public struct RunContext: Sendable {
    /// The `github` context without the per-job and per-step fields (job, action, workspace…).
    public var github: ObjectValue
    public var secrets: [String: String]
    public var vars: [String: String]
    /// `inputs` (workflow_dispatch / workflow_call inputs, already typed).
    public var inputs: ObjectValue
    /// Variables the runner adds to every step, after workflow and job `env` (config `envs`, `--env`).
    public var runnerEnvironment: [String: String]
    /// `runner.name`.
    public var runnerName: String
    /// The server URL steps see (`GITHUB_SERVER_URL`); for `exec`, a placeholder.
    public var serverURL: String
    /// SIGTERM → SIGKILL grace when a step is cancelled or times out.
    public var terminationGrace: Duration
    /// Whether `::debug::` lines are shown (`ACTIONS_STEP_DEBUG` secret or var is `true`).
    public var stepDebug: Bool
    /// Step names whose `uses:` should be skipped with a notice (`exec` skips actions/checkout).
    public var skippedActions: Set<String>
    /// The local checkout, where `uses: ./…` reusable workflows and actions are read from.
    public var repositoryRoot: String?
    /// Where `uses: owner/repo@ref` actions come from (forgejo-runner's default: https://data.forgejo.org).
    public var defaultActionsURL: String = "https://data.forgejo.org"
    /// Fetches and caches remote actions; nil: remote actions fail with a clear message.
    public var actionFetcher: ActionFetcher?
    /// The `node` for JavaScript actions; nil: `node` from the step's PATH.
    public var nodePath: String?
    /// Values masked in every log line besides the secrets (the task and runtime tokens).
    public var additionalMasks: [String] = []

    public init(
        github: ObjectValue, secrets: [String: String] = [:], vars: [String: String] = [:], inputs: ObjectValue = ObjectValue(),
        runnerEnvironment: [String: String] = [:], runnerName: String = "hearth", serverURL: String = "https://localhost",
        terminationGrace: Duration = .seconds(5), skippedActions: Set<String> = [], repositoryRoot: String? = nil
    ) {
        self.repositoryRoot = repositoryRoot
        self.github = github
        self.secrets = secrets
        self.vars = vars
        self.inputs = inputs
        self.runnerEnvironment = runnerEnvironment
        self.runnerName = runnerName
        self.serverURL = serverURL
        self.terminationGrace = terminationGrace
        self.stepDebug = secrets["ACTIONS_STEP_DEBUG"]?.lowercased() == "true" || vars["ACTIONS_STEP_DEBUG"]?.lowercased() == "true"
        self.skippedActions = skippedActions
    }

    /// The `secrets` context: the given secrets plus `GITHUB_TOKEN` (empty when not given), as on GitHub.
    public var secretsContext: ObjectValue {
        var object = ObjectValue()
        for key in secrets.keys.sorted() { object[key] = .string(secrets[key]!) }
        if object["GITHUB_TOKEN"] == nil { object["GITHUB_TOKEN"] = .string(secrets["GITEA_TOKEN"] ?? secrets["FORGEJO_TOKEN"] ?? "") }
        return object
    }

    /// The `vars` context.
    public var varsContext: ObjectValue {
        ObjectValue(vars.keys.sorted().map { ($0, Value.string(vars[$0]!)) })
    }
}

/// Makes the execution environment for one job instance (a host directory, a pod…).
public protocol EnvironmentFactory: Sendable {
    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment
}
