import Backends
import Expressions
import Foundation
import Workflow

/// Runs a `run:` step: writes the script, starts it with the step's shell in its working
/// directory, streams its output, and applies the file commands it wrote.
struct RunStepExecutor {
    let workflow: Workflow
    let job: Job
    let run: RunContext
    let environment: any ExecutionEnvironment
    let cancellation: CancellationSignal
    let masker: SecretMasker
    let files: FileCommandFiles
    let emit: (LogLine) -> Void
    let summary: (String) -> Void

    func execute(
        step: Step, script scriptTemplate: String, context: EvaluationContext, github: ObjectValue, runner: ObjectValue,
        stepEnvironment: [String: String], timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        func fail(_ message: String) -> StepRunner.Result {
            emit(LogLine.error(masker.mask(message)))
            return StepRunner.Result(outcome: .failure)
        }

        let script: String
        let workingDirectory: String
        let shellName: String?
        do {
            script = try Evaluator.string(scriptTemplate, context)
            shellName = try (step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell).map { try Evaluator.string($0, context) }
            let directory = try (step.workingDirectory ?? job.defaults?.run?.workingDirectory ?? workflow.defaults?.run?.workingDirectory)
                .map { try Evaluator.string($0, context) }
            workingDirectory = Self.resolve(directory, workspace: environment.workspace)
        } catch {
            return fail("\(step.location): \(error)")
        }

        do {
            try files.reset()
        } catch {
            return fail("Cannot prepare the step's file-command files in \(environment.runnerTemp): \(error)")
        }

        let processEnvironment = StepEnvironment.build(
            base: environment.baseEnvironment(), github: github, runner: runner, job: [:], step: stepEnvironment,
            pathPrepends: state.pathPrepends, fileCommands: files.environmentPaths)

        let shell: ShellCommand
        do {
            shell = try ShellCommand.resolve(shellName, path: processEnvironment["PATH"])
        } catch {
            return fail("\(error)")
        }
        // One script file per job and extension, rewritten in place: no new inode per step.
        let scriptPath = "\(environment.runnerTemp)/step-script\(shell.fileExtension)"
        do {
            try ScriptFile.write(shell.scriptContents(script), to: environment.hostPath(for: scriptPath))
        } catch {
            return fail("Cannot write the step's script to \(scriptPath): \(error)")
        }

        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            emit(LogLine(kind: .command, text: masker.mask(String(line))))
        }

        var handler = StepOutputHandler(
            masker: masker, debug: run.stepDebug,
            allowUnsecureCommands: processEnvironment["ACTIONS_ALLOW_UNSECURE_COMMANDS"]?.lowercased() == "true")
        let spec = ProcessSpec(
            executable: shell.executable, arguments: shell.arguments(scriptPath: scriptPath),
            environment: processEnvironment, workingDirectory: workingDirectory)
        let ending: StepProcess.Ending
        do {
            ending = try await StepProcess(environment: environment, cancellation: cancellation, grace: run.terminationGrace)
                .run(spec, timeout: timeout, handler: &handler, emit: emit)
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
            var saved = state.actionState[step.effectiveID] ?? [:]
            saved.merge(handler.state.merging(results.state) { _, new in new }) { _, new in new }
            state.actionState[step.effectiveID] = saved
            if !results.summary.isEmpty { summary(masker.mask(results.summary)) }
        } catch {
            return fail("\(error)")
        }

        if let message = handler.fatalError { return fail(message) }
        switch ending {
        case .exited(0):
            return StepRunner.Result(outcome: .success, outputs: outputs)
        case .exited(let code):
            emit(LogLine.error("Process completed with exit code \(code)."))
            return StepRunner.Result(outcome: .failure, outputs: outputs)
        case .timedOut:
            emit(LogLine.error("The step has timed out after \(timeout.map { "\($0)" } ?? "its limit")."))
            return StepRunner.Result(outcome: .failure, outputs: outputs)
        case .cancelled:
            emit(LogLine.error("The operation was canceled."))
            return StepRunner.Result(outcome: .cancelled, outputs: outputs)
        }
    }

    /// A relative `working-directory` is relative to the workspace.
    static func resolve(_ directory: String?, workspace: String) -> String {
        guard let directory, !directory.isEmpty else { return workspace }
        if directory.hasPrefix("/") { return directory }
        return (workspace as NSString).appendingPathComponent(directory)
    }
}
