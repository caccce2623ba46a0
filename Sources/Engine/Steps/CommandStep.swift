import Backends
import Expressions
import Foundation

/// Runs one program as (a stage of) a step: the step's environment with the file-command files,
/// output through workflow-command handling and masking, then the file commands applied to the
/// job. `run:` steps and JavaScript actions both come down to this.
struct CommandStep {
    let run: RunContext
    let environment: any ExecutionEnvironment
    let cancellation: CancellationSignal
    let masker: SecretMasker
    let files: FileCommandFiles
    let emit: (LogLine) -> Void
    let summary: (String) -> Void

    struct Invocation {
        var executable: String
        var arguments: [String]
        var workingDirectory: String
        /// Variables of the step on top of the job's (step `env`, `INPUT_*`, `STATE_*`…).
        var stepEnvironment: [String: String]
        var github: ObjectValue
        var runner: ObjectValue
        var timeout: Duration?
        /// Where `GITHUB_STATE` values are kept (the step id).
        var stateKey: String
        /// Run in a container of this image beside the job's (a Docker action) instead of as a
        /// process where steps run; `executable` is then unused.
        var container: ContainerLaunch? = nil
    }

    /// The image and entrypoint of a Docker action's container.
    struct ContainerLaunch {
        var image: String
        var entrypoint: String?
    }

    func fail(_ message: String) -> StepRunner.Result {
        emit(.error(masker.mask(message)))
        return StepRunner.Result(outcome: .failure)
    }

    /// The environment the process will get, for callers that must look something up in it first.
    /// A container step keeps its image's own environment (`PATH` included), as on GitHub.
    func processEnvironment(for invocation: Invocation, state: JobState) -> [String: String] {
        let inContainer = invocation.container != nil
        return StepEnvironment.build(
            base: inContainer ? [:] : environment.baseEnvironment(), github: invocation.github, runner: invocation.runner,
            step: invocation.stepEnvironment, pathPrepends: inContainer ? [] : state.pathPrepends, fileCommands: files.environmentPaths)
    }

    func execute(_ invocation: Invocation, state: inout JobState) async -> StepRunner.Result {
        do {
            try files.reset()
        } catch {
            return fail("Cannot prepare the step's file-command files in \(environment.runnerTemp): \(error)")
        }
        let processEnvironment = processEnvironment(for: invocation, state: state)
        var handler = StepOutputHandler(
            masker: masker, debug: run.stepDebug,
            allowUnsecureCommands: KnownCommand.allowsUnsecureCommands(processEnvironment["ACTIONS_ALLOW_UNSECURE_COMMANDS"]))
        let spec = ProcessSpec(
            executable: invocation.executable, arguments: invocation.arguments, environment: processEnvironment,
            workingDirectory: invocation.workingDirectory)
        let ending: StepProcess.Ending
        do {
            ending = try await StepProcess(environment: environment, cancellation: cancellation, grace: run.terminationGrace)
                .run(spec, container: invocation.container, timeout: invocation.timeout, handler: &handler, emit: emit)
        } catch {
            return fail("\(error)")
        }

        // File commands apply even when the step failed, as on GitHub.
        var outputs = handler.outputs
        do {
            let results = try files.read()
            for (name, value) in results.environment { state.environment[name] = value }
            for (name, value) in handler.environment { state.environment[name] = value }
            state.pathPrepends.insert(contentsOf: (results.paths + handler.paths).reversed(), at: 0)
            outputs.merge(results.outputs) { _, new in new }
            var saved = state.actionState[invocation.stateKey] ?? [:]
            saved.merge(handler.state.merging(results.state) { _, new in new }) { _, new in new }
            state.actionState[invocation.stateKey] = saved
            if !results.summary.isEmpty { summary(masker.mask(results.summary)) }
        } catch {
            return fail("\(error)")
        }

        // A refused workflow command was reported when it was seen; it fails the step.
        if handler.fatalError != nil { return StepRunner.Result(outcome: .failure, outputs: outputs) }
        switch ending {
        case .exited(0):
            return StepRunner.Result(outcome: .success, outputs: outputs)
        case .exited(let code):
            emit(.error("Process completed with exit code \(code)."))
            return StepRunner.Result(outcome: .failure, outputs: outputs)
        case .timedOut:
            emit(.error("The step has timed out after \(invocation.timeout.map(DurationText.format) ?? "its limit")."))
            return StepRunner.Result(outcome: .failure, outputs: outputs)
        case .cancelled:
            emit(.error("The operation was canceled."))
            return StepRunner.Result(outcome: .cancelled, outputs: outputs)
        }
    }
}

/// Durations as people read them: `90s`, `5m`, `1h30m`.
public enum DurationText {
    public static func format(_ duration: Duration) -> String {
        let total = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if total < 60 { return total == total.rounded() ? "\(Int(total))s" : String(format: "%.1fs", total) }
        let seconds = Int(total.rounded())
        let hours = seconds / 3600
        let minutes = (seconds % 3600) / 60
        let rest = seconds % 60
        return (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "") + (rest > 0 ? "\(rest)s" : "")
    }
}
