import Expressions

/// One job of a workflow: either a regular job (`runs-on` + `steps`) or a call to a reusable
/// workflow (`uses`).
public struct Job: Sendable {
    /// The job id (the key under `jobs:`).
    public var id: String
    /// `name:` (a template); nil when not given or empty.
    public var name: String?
    /// Where the job's key is.
    public var location: SourceLocation
    /// `needs:` in file order.
    public var needs: [String]
    /// Where each entry of `needs` is (parallel to `needs`).
    public var needsLocations: [SourceLocation]
    /// `if:` exactly as written (e.g. `github.ref == 'x'` or `${{ always() }}`); nil when absent.
    public var ifCondition: String?
    /// The condition to evaluate, GitHub-normalised: the expression text (an outer `${{ }}` removed),
    /// wrapped as `success() && (...)` unless it already calls a status function; `success()`
    /// when there is no condition.
    public var condition: String
    public var runsOn: RunsOn?
    /// Job-level `env:` (values are templates).
    public var env: OrderedMap<String>
    public var defaults: Defaults?
    /// `outputs:` (values are templates).
    public var outputs: OrderedMap<String>
    public var strategy: Strategy?
    /// `timeout-minutes:`: `.number` or `.string(expression)`.
    public var timeoutMinutes: Value?
    /// `cancel-timeout-minutes:`: `.number` or `.string(expression)`.
    public var cancelTimeoutMinutes: Value?
    /// `continue-on-error:`: `.bool` or `.string(expression)`.
    public var continueOnError: Value?
    public var container: ContainerSpec?
    /// `services:` by label, in file order.
    public var services: OrderedMap<ContainerSpec>
    /// `uses:` of a reusable-workflow job (`./.github/workflows/x.yml` or `owner/repo/path@ref`).
    public var uses: String?
    /// `with:` of a reusable-workflow job (strings are templates).
    public var with: OrderedMap<Value>
    /// `secrets:` of a reusable-workflow job.
    public var secrets: SecretsSpec?
    public var steps: [Step]
    public var permissions: Permissions?
    public var concurrency: Concurrency?
    public var environment: DeploymentEnvironment?
    /// `snapshot:` as written (GitHub custom images), if any.
    public var snapshot: Value?
    /// The called workflow of a `uses:` job, when the reader could load it (local files, or any
    /// reference the `ReaderOptions.workflowProvider` resolves).
    public var calledWorkflow: Workflow?

    public init(id: String, location: SourceLocation) {
        self.id = id
        self.name = nil
        self.location = location
        self.needs = []
        self.needsLocations = []
        self.ifCondition = nil
        self.condition = "success()"
        self.runsOn = nil
        self.env = OrderedMap()
        self.defaults = nil
        self.outputs = OrderedMap()
        self.strategy = nil
        self.timeoutMinutes = nil
        self.cancelTimeoutMinutes = nil
        self.continueOnError = nil
        self.container = nil
        self.services = OrderedMap()
        self.uses = nil
        self.with = OrderedMap()
        self.secrets = nil
        self.steps = []
        self.permissions = nil
        self.concurrency = nil
        self.environment = nil
        self.snapshot = nil
        self.calledWorkflow = nil
    }

    /// True for a job that calls a reusable workflow.
    public var isReusableWorkflowCall: Bool { uses != nil }

    /// `name` or, when absent, the id.
    public var displayName: String { name ?? id }
}

/// `secrets:` of a reusable-workflow job.
public enum SecretsSpec: Sendable {
    /// `secrets: inherit`.
    case inherit
    /// Explicit secrets (values are templates).
    case mapping(OrderedMap<String>)
}
