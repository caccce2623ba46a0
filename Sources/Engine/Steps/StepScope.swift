import Expressions
import Workflow

/// Where a step runs: directly in the job, or inside a composite action.
///
/// A job-level step reports its own step events and lands in the job's `steps` context. A step
/// inside a composite action lands in the action's own `steps` context, its output belongs to the
/// calling step, and it sees the action's `inputs` and `github.action_path`.
struct StepScope: Sendable {
    /// The `steps` context visible in this scope.
    var steps = ObjectValue()
    /// False once a step of this scope failed without `continue-on-error`.
    var succeeded = true
    /// Set inside a composite action.
    var action: ActionFrame?

    /// What a composite action gives the steps inside it.
    struct ActionFrame: Sendable {
        /// The calling step, whose log the inner steps write to.
        var callerKey: StepKey
        var inputs: ObjectValue
        /// `github.action_path`, `github.action_repository`, `github.action_ref`.
        var path: String
        var repository: String
        var ref: String
        /// The calling step's evaluated `env`, inherited by the inner steps.
        var environment: [String: String]
        /// Identities of the actions from the job down to this one, to refuse cycles.
        var chain: [String]
    }

    var isTopLevel: Bool { action == nil }

    /// Records a finished step in this scope's `steps` context.
    mutating func record(stepID: String, outputs: [String: String], outcome: Conclusion, conclusion: Conclusion) {
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
    func statusFunctions(cancelled: Bool) -> StatusFunctions {
        StatusFunctions(success: succeeded && !cancelled, failure: !succeeded, cancelled: cancelled)
    }
}
