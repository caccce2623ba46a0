import Backends
import Expressions
import Foundation
import Workflow

/// Runs a `uses:` step: resolves the action, passes its inputs, and runs it according to
/// `runs.using` (composite, JavaScript; Docker on container backends only).
struct ActionStepExecutor {
    let runner: StepRunner
    let command: CommandStep

    /// How deep composite actions may nest (GitHub allows 10 levels).
    static let maximumDepth = 10

    func execute(
        step: Step, uses: String, key stepKey: StepKey, contexts: JobContexts, context: EvaluationContext,
        stepEnvironment: [String: String], timeout: Duration?, state: inout JobState, scope: StepScope
    ) async -> StepRunner.Result {
        let run = runner.run
        let shortName = uses.split(separator: "@").first.map { $0.lowercased() } ?? uses
        if run.skippedActions.contains(shortName) {
            command.emit(LogLine(kind: .info, text: "Skipping \(uses): hearth exec uses the working tree as it is (pass --no-skip-checkout to run it)"))
            return StepRunner.Result(outcome: .success)
        }
        if uses.hasPrefix("docker://") {
            guard runner.environment.supportsContainers else { return dockerUnavailable(uses) }
            return await DockerActionExecutor(command: command, run: run, workspace: runner.environment.workspace).executeImage(
                String(uses.dropFirst("docker://".count)), step: step, context: context, stepID: step.effectiveID,
                stepEnvironment: stepEnvironment, github: contexts.github, runner: contexts.runner, timeout: timeout, state: &state)
        }

        var warnings: [String] = []
        let action: ResolvedAction
        do {
            action = try await runner.actions.resolve(uses, warnings: &warnings)
        } catch {
            for warning in error.warnings { command.emit(.warning(warning)) }
            return command.fail(error.description)
        }
        for warning in warnings { command.emit(.warning(warning)) }
        let chain = scope.action?.chain ?? []
        if chain.contains(action.identity) {
            return command.fail("The composite action '\(uses)' uses itself (directly or through other actions): \((chain + [action.identity]).joined(separator: " → "))")
        }
        if chain.count >= Self.maximumDepth {
            return command.fail("Composite actions are nested more than \(Self.maximumDepth) levels deep at '\(uses)'.")
        }

        let inputs: ActionInputs
        do {
            inputs = try ActionInputs(manifest: action.manifest, with: step.with, context: context, uses: uses)
        } catch {
            return command.fail("\(error)")
        }
        for warning in inputs.warnings { command.emit(.warning(warning)) }

        switch action.manifest.runs {
        case .composite(let steps):
            return await CompositeActionExecutor(runner: runner).execute(
                action: action, steps: steps, inputs: inputs, callerKey: scope.action?.callerKey ?? stepKey, contexts: contexts,
                stepEnvironment: stepEnvironment, chain: chain, state: &state)
        case .node(let node):
            if node.pre != nil, ActionReference.isLocal(uses) {
                command.emit(.warning("`pre` execution is not supported for local action from '\(uses)'"))
            }
            let executor = NodeActionExecutor(command: command, run: run, workspace: runner.environment.workspace)
            let result = await executor.execute(
                stage: .main, action: action, runs: node, inputs: inputs, stepID: step.effectiveID, stepEnvironment: stepEnvironment,
                github: contexts.github, runner: contexts.runner, timeout: timeout, state: &state)
            if node.post != nil {
                state.postSteps.append(PostStep(
                    key: StepKey(index: stepKey.index, id: step.effectiveID, name: "Post \(stepKey.name)", stage: .post),
                    condition: node.postIf ?? "always()", action: action, kind: .node(node), inputs: inputs,
                    stepEnvironment: stepEnvironment, github: contexts.github, runner: contexts.runner))
            }
            return result
        case .docker(let docker):
            guard runner.environment.supportsContainers else { return dockerUnavailable(uses) }
            let result = await DockerActionExecutor(command: command, run: run, workspace: runner.environment.workspace).executeAction(
                stage: .main, action: action, runs: docker, inputs: inputs, with: step.with, context: context, stepID: step.effectiveID,
                stepEnvironment: stepEnvironment, github: contexts.github, runner: contexts.runner, timeout: timeout, state: &state)
            if docker.postEntrypoint != nil {
                state.postSteps.append(PostStep(
                    key: StepKey(index: stepKey.index, id: step.effectiveID, name: "Post \(stepKey.name)", stage: .post),
                    condition: docker.postIf ?? "always()", action: action, kind: .docker(docker, with: step.with, context: context),
                    inputs: inputs, stepEnvironment: stepEnvironment, github: contexts.github, runner: contexts.runner))
            }
            return result
        }
    }

    private func dockerUnavailable(_ uses: String) -> StepRunner.Result {
        guard !runner.environment.runsJobContainers else {
            return command.fail("'\(uses)' is a Docker action, which the \(runner.environment.kind) backend cannot run yet (a running job pod cannot gain a container). Use a JavaScript or composite action, or a runner with a Podman (docker://) label.")
        }
        return command.fail("'\(uses)' is a Docker action and needs a container backend; the \(runner.environment.kind) backend runs steps directly on this machine. Run it with --backend podman (or -i IMAGE).")
    }
}
