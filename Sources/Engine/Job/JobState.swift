import Expressions

/// What a job accumulates while its steps run: environment and path changes from file commands,
/// step results for the `steps` context, and the job's status for `success()`/`failure()`.
///
/// Owned by the job's task; steps read and update it between runs.
public struct JobState: Sendable {
    /// Workflow and job `env`, then everything `GITHUB_ENV` added, in order.
    public var environment: [String: String] = [:]
    /// Directories added with `GITHUB_PATH`, newest first.
    public var pathPrepends: [String] = []
    /// The `steps` context: `<id>: {outputs, outcome, conclusion}`.
    public var steps = ObjectValue()
    /// `GITHUB_STATE` values per action step id, read back in its post stage.
    public var actionState: [String: [String: String]] = [:]
    /// False once a step failed without `continue-on-error`.
    public var succeeded = true
    /// True once any step failed (even with continue-on-error it stays false: GitHub's failure()
    /// looks at the job status, which continue-on-error keeps at success).
    public var failed: Bool { !succeeded }

    public init() {}

    /// Records a finished step in the `steps` context.
    public mutating func record(stepID: String, outputs: [String: String], outcome: Conclusion, conclusion: Conclusion) {
        var outputObject = ObjectValue()
        for key in outputs.keys.sorted() { outputObject[key] = .string(outputs[key]!) }
        steps[stepID] = .object(ObjectValue([
            ("outputs", .object(outputObject)),
            ("outcome", .string(outcome.rawValue)),
            ("conclusion", .string(conclusion.rawValue)),
        ]))
        if conclusion == .failure { succeeded = false }
    }

    /// Status functions for the next step's `if:`.
    public func statusFunctions(cancelled: Bool) -> StatusFunctions {
        StatusFunctions(success: succeeded && !cancelled, failure: !succeeded, cancelled: cancelled)
    }
}
