import Expressions
import Foundation
import Workflow

/// Runs a stage (`pre`, `main` or `post`) of a JavaScript action with `node`: `INPUT_*`
/// variables, `GITHUB_ACTION_PATH`, and the `GITHUB_STATE` values of earlier stages as `STATE_*`.
struct NodeActionExecutor {
    let command: CommandStep
    let run: RunContext
    let workspace: String

    func execute(
        stage: StepKey.Stage, action: ResolvedAction, runs: NodeRuns, inputs: ActionInputs, stepID: String,
        stepEnvironment: [String: String], github: ObjectValue, runner: ObjectValue, timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        let script: String
        switch stage {
        case .pre: script = runs.pre ?? ""
        case .main: script = runs.main
        case .post: script = runs.post ?? ""
        }
        var environment = stepEnvironment.merging(inputs.environment) { _, new in new }
        for (name, value) in state.actionState[stepID] ?? [:] { environment["STATE_\(name)"] = value }
        environment["GITHUB_ACTION_PATH"] = action.directory
        var github = github
        github["action"] = .string(stepID)
        github["action_path"] = .string(action.directory)
        github["action_repository"] = .string(action.repository)
        github["action_ref"] = .string(action.ref)

        var invocation = CommandStep.Invocation(
            executable: "node", arguments: [(action.directory as NSString).appendingPathComponent(script)], workingDirectory: workspace,
            stepEnvironment: environment, github: github, runner: runner, timeout: timeout, stateKey: stepID)
        let path = command.processEnvironment(for: invocation, state: state)["PATH"]
        guard let node = await NodeRuntime.locate(configured: run.nodePath, path: path) else {
            return command.fail("'\(action.uses)' is a JavaScript action (\(runs.using)) and needs Node.js, but no 'node' was found in PATH. Install Node.js on this machine (or set its path in the runner configuration).")
        }
        if let wanted = NodeRuntime.requestedMajor(runs.using), wanted != node.major, stage == .main {
            command.emit(LogLine(kind: .info, text: "'\(action.uses)' asks for \(runs.using); running it with the available Node.js \(node.major) (\(node.path))."))
        }
        invocation.executable = node.path
        return await command.execute(invocation, state: &state)
    }
}
