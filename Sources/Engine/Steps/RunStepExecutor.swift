import Backends
import Expressions
import Foundation
import Workflow

/// Runs a `run:` step: evaluates its script, shell and working directory, writes the script and
/// starts it with the shell's GitHub command line.
struct RunStepExecutor {
    let command: CommandStep
    let environment: any ExecutionEnvironment
    /// `defaults.run` of the job, then of the workflow (none inside composite actions).
    let defaults: [RunDefaults]

    func execute(
        step: Step, script scriptTemplate: String, context: EvaluationContext, github: ObjectValue, runner: ObjectValue,
        stepEnvironment: [String: String], timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        let script: String
        let workingDirectory: String
        let shellName: String?
        do {
            script = try Evaluator.string(scriptTemplate, context)
            shellName = try (step.shell ?? defaults.lazy.compactMap(\.shell).first).map { try Evaluator.string($0, context) }
            let directory = try (step.workingDirectory ?? defaults.lazy.compactMap(\.workingDirectory).first).map { try Evaluator.string($0, context) }
            workingDirectory = Self.resolve(directory, workspace: environment.workspace)
        } catch {
            return command.fail("\(step.location): \(error)")
        }

        var invocation = CommandStep.Invocation(
            executable: "", arguments: [], workingDirectory: workingDirectory, stepEnvironment: stepEnvironment, github: github,
            runner: runner, timeout: timeout, stateKey: step.effectiveID)
        let shell: ShellCommand
        do {
            let path = command.processEnvironment(for: invocation, state: state)["PATH"]
            var found: [String: Bool] = [:]
            for program in ["bash", "python", "python3"] where Self.needs(program, for: shellName) {
                found[program] = await environment.hasProgram(program, path: path)
            }
            shell = try ShellCommand.resolve(shellName, exists: { found[$0] ?? false })
        } catch {
            return command.fail("\(error)")
        }
        // One script file per job and extension, rewritten in place: no new inode per step.
        let scriptPath = "\(environment.runnerTemp)/step-script\(shell.fileExtension)"
        do {
            try ScriptFile.write(shell.scriptContents(script), to: environment.hostPath(for: scriptPath))
        } catch {
            return command.fail("Cannot write the step's script to \(scriptPath): \(error)")
        }
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            command.emit(LogLine(kind: .command, text: command.masker.mask(String(line))))
        }
        invocation.executable = shell.executable
        invocation.arguments = shell.arguments(scriptPath: scriptPath)
        return await command.execute(invocation, state: &state)
    }

    /// Which lookups resolving `shell` needs (none for an explicit bash, sh or custom shell).
    static func needs(_ program: String, for shell: String?) -> Bool {
        switch shell?.trimmingCharacters(in: .whitespaces) ?? "" {
        case "": return program == "bash"
        case "python": return program == "python" || program == "python3"
        default: return false
        }
    }

    /// A relative `working-directory` is relative to the workspace.
    static func resolve(_ directory: String?, workspace: String) -> String {
        guard let directory, !directory.isEmpty else { return workspace }
        if directory.hasPrefix("/") { return directory }
        return (workspace as NSString).appendingPathComponent(directory)
    }
}
