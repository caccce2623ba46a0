import Expressions
import Workflow

/// The `post:` stage of a JavaScript action, kept until the end of the job. Post stages run in
/// reverse order of registration, when their `post-if` (default `always()`) holds.
struct PostStep: Sendable {
    var key: StepKey
    var condition: String
    var action: ResolvedAction
    var runs: NodeRuns
    var inputs: ActionInputs
    var stepEnvironment: [String: String]
    var github: ObjectValue
    var runner: ObjectValue
}

