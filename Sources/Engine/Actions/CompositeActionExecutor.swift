import Expressions
import Workflow

/// Runs the steps of a composite action in their own scope (own `steps` context, the action's
/// `inputs`, `github.action_path`), then maps the action's `outputs` from them.
struct CompositeActionExecutor {
    let runner: StepRunner

    func execute(
        action: ResolvedAction, steps: [Step], inputs: ActionInputs, callerKey: StepKey, contexts: JobContexts,
        stepEnvironment: [String: String], chain: [String], state: inout JobState
    ) async -> StepRunner.Result {
        var scope = StepScope(action: StepScope.ActionFrame(
            callerKey: callerKey, inputs: inputs.context, path: action.directory, repository: action.repository, ref: action.ref,
            environment: stepEnvironment, chain: chain + [action.identity]))
        for (index, step) in steps.enumerated() {
            let key = StepKey(index: index, id: step.effectiveID, name: step.displayName)
            await runner.execute(step, key: key, contexts: contexts, state: &state, scope: &scope)
        }

        var outputContexts = contexts
        outputContexts.inputs = inputs.context
        let context = outputContexts.evaluation(env: state.environment.merging(stepEnvironment) { _, new in new }, steps: scope.steps)
        var outputs: [String: String] = [:]
        for (name, output) in action.manifest.outputs {
            guard let value = output.value else { continue }
            do {
                outputs[name] = try Evaluator.string(value, context)
            } catch {
                runner.sink.receive(.log(runner.key, step: callerKey, .error(runner.masker.mask("Error evaluating output '\(name)' of '\(action.uses)': \(error)"))))
            }
        }
        if runner.cancellation.isCancelled && !scope.succeeded { return StepRunner.Result(outcome: .cancelled, outputs: outputs) }
        return StepRunner.Result(outcome: scope.succeeded ? .success : .failure, outputs: outputs)
    }
}
