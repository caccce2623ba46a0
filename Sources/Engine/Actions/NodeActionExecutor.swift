import Backends
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
        let github = action.githubContext(github, stepID: stepID)

        var invocation = CommandStep.Invocation(
            executable: "node", arguments: [(action.directory as NSString).appendingPathComponent(script)], workingDirectory: workspace,
            stepEnvironment: environment, github: github, runner: runner, timeout: timeout, stateKey: stepID)
        let path = command.processEnvironment(for: invocation, state: state)["PATH"]
        let backend = command.environment
        guard let node = await backend.node(configured: run.nodePath, path: path) else {
            guard backend.runsJobContainers else {
                return command.fail("'\(action.uses)' is a JavaScript action (\(runs.using)) and needs Node.js, but no 'node' was found in PATH. Install Node.js on this machine (or set its path in the runner configuration).")
            }
            return command.fail("'\(action.uses)' is a JavaScript action (\(runs.using)) and needs Node.js: the job's image has no 'node' in PATH and the runner has none to inject. Use an image with node, or install Node.js where Hearth runs.")
        }
        if let wanted = NodeVersion.requestedMajor(runs.using), wanted != node.major, stage == .main {
            command.emit(LogLine(kind: .info, text: "'\(action.uses)' asks for \(runs.using); running it with \(node.origin) (Node.js \(node.major))."))
        }
        invocation.executable = node.executable
        invocation.arguments = node.leadingArguments + invocation.arguments
        return await command.execute(invocation, state: &state)
    }
}
