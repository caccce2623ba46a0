import Expressions
import Workflow

/// The `post:` stage of a JavaScript action or the `post-entrypoint` of a Docker action, kept
/// until the end of the job. Post stages run in reverse order of registration, when their
/// `post-if` (default `always()`) holds.
struct PostStep: Sendable {
    enum Kind: Sendable {
        case node(NodeRuns)
        /// With the step's `with:` and the context the main stage evaluated the action in.
        case docker(DockerRuns, with: OrderedMap<String>, context: EvaluationContext)
    }

    var key: StepKey
    var condition: String
    var action: ResolvedAction
    var kind: Kind
    var inputs: ActionInputs
    var stepEnvironment: [String: String]
    var github: ObjectValue
    var runner: ObjectValue

    /// Runs the stage through `command`.
    func execute(command: CommandStep, run: RunContext, workspace: String, state: inout JobState) async -> StepRunner.Result {
        switch kind {
        case .node(let runs):
            return await NodeActionExecutor(command: command, run: run, workspace: workspace).execute(
                stage: .post, action: action, runs: runs, inputs: inputs, stepID: key.id, stepEnvironment: stepEnvironment,
                github: github, runner: runner, timeout: nil, state: &state)
        case .docker(let runs, let with, let context):
            return await DockerActionExecutor(command: command, run: run, workspace: workspace).executeAction(
                stage: .post, action: action, runs: runs, inputs: inputs, with: with, context: context, stepID: key.id,
                stepEnvironment: stepEnvironment, github: github, runner: runner, timeout: nil, state: &state)
        }
    }
}
