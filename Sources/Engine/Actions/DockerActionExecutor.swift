import Backends
import Expressions
import Foundation
import Synchronization
import Workflow

/// Runs Docker actions in a container of their own beside the job's (container backends only):
/// `uses: docker://image` and action.yml `runs.using: docker` with a published image or a
/// Dockerfile built from the action's directory. The workspace and `RUNNER_TEMP` are mounted
/// where the job sees them, so file commands and outputs work as for any step.
///
/// As in act and forgejo-runner, a step's `with.entrypoint` and `with.args` (split like a shell
/// command line) replace the action's `runs.entrypoint` and `runs.args`; every other input is
/// `INPUT_<NAME>`.
struct DockerActionExecutor {
    let command: CommandStep
    let run: RunContext
    let workspace: String

    /// `uses: docker://image`.
    func executeImage(
        _ image: String, step: Step, context: EvaluationContext, stepID: String, stepEnvironment: [String: String],
        github: ObjectValue, runner: ObjectValue, timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        let with: [(String, String)]
        do {
            with = try Evaluator.map(step.with, context)
        } catch {
            return command.fail("Cannot evaluate the inputs of '\(step.uses ?? image)': \(error)")
        }
        var environment = stepEnvironment
        for (name, value) in with where !["entrypoint", "args"].contains(name.lowercased()) {
            environment[ActionInputs.variableName(name)] = value
        }
        let overrides = Dictionary(with.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { _, new in new })
        let arguments: [String]
        do {
            arguments = try ShellWords.split(overrides["args"] ?? "")
        } catch {
            return command.fail("'with.args' of '\(step.uses ?? image)' cannot be split into arguments: \(error)")
        }
        let launch = CommandStep.ContainerLaunch(image: image, entrypoint: overrides["entrypoint"].flatMap { $0.isEmpty ? nil : $0 })
        return await execute(launch, arguments: arguments, environment: environment, github: github, runner: runner,
                             stateKey: stepID, timeout: timeout, state: &state)
    }

    /// An action whose action.yml says `runs.using: docker`; `stage` picks `pre-entrypoint`,
    /// the entrypoint or `post-entrypoint`.
    func executeAction(
        stage: StepKey.Stage, action: ResolvedAction, runs: DockerRuns, inputs: ActionInputs, with: OrderedMap<String>,
        context: EvaluationContext, stepID: String, stepEnvironment: [String: String], github: ObjectValue, runner: ObjectValue,
        timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        var actionContext = context
        actionContext.contexts["inputs"] = .object(inputs.context)
        var environment = stepEnvironment.merging(inputs.environment) { _, new in new }
        var arguments: [String]
        do {
            for (name, value) in try Evaluator.map(runs.env, actionContext) { environment[name] = value }
            arguments = try runs.args.map { try Evaluator.string($0, actionContext) }
        } catch {
            return command.fail("Cannot evaluate the 'runs' of '\(action.uses)': \(error)")
        }
        var entrypoint = runs.entrypoint
        switch stage {
        case .pre:
            entrypoint = runs.preEntrypoint
            arguments = []
        case .post:
            entrypoint = runs.postEntrypoint
            arguments = []
        case .main:
            let given = Dictionary((try? Evaluator.map(with, context)) ?? [], uniquingKeysWith: { _, new in new })
            if let args = given["args"], !args.isEmpty {
                do {
                    arguments = try ShellWords.split(args)
                } catch {
                    return command.fail("'with.args' of '\(action.uses)' cannot be split into arguments: \(error)")
                }
            }
            if let override = given["entrypoint"], !override.isEmpty { entrypoint = override }
        }
        environment["GITHUB_ACTION_PATH"] = action.directory
        let github = action.githubContext(github, stepID: stepID)

        let image: String
        // The main stage builds a local action's image afresh; its pre and post stages reuse it.
        switch await Self.image(of: action, runs: runs, rebuildLocal: stage == .main, environment: command.environment, emit: command.emit) {
        case .success(let found): image = found
        case .failure(let message): return command.fail(message)
        }
        return await execute(CommandStep.ContainerLaunch(image: image, entrypoint: entrypoint), arguments: arguments,
                             environment: environment, github: github, runner: runner, stateKey: stepID, timeout: timeout, state: &state)
    }

    private func execute(
        _ launch: CommandStep.ContainerLaunch, arguments: [String], environment: [String: String], github: ObjectValue,
        runner: ObjectValue, stateKey: String, timeout: Duration?, state: inout JobState
    ) async -> StepRunner.Result {
        let invocation = CommandStep.Invocation(
            executable: launch.entrypoint ?? "", arguments: arguments, workingDirectory: workspace, stepEnvironment: environment,
            github: github, runner: runner, timeout: timeout, stateKey: stateKey, container: launch)
        return await command.execute(invocation, state: &state)
    }

    enum ImageOutcome {
        case success(String)
        case failure(String)
    }

    /// `docker://image` as is; a Dockerfile built from the action's directory, tagged by the
    /// action's identity (its commit for remote actions; local ones are rebuilt every time, as on
    /// GitHub, since their files may have changed).
    static func image(
        of action: ResolvedAction, runs: DockerRuns, rebuildLocal: Bool, environment: any ExecutionEnvironment, emit: (LogLine) -> Void
    ) async -> ImageOutcome {
        if runs.image.hasPrefix("docker://") { return .success(String(runs.image.dropFirst("docker://".count))) }
        let dockerfile = runs.image
        guard FileManager.default.fileExists(atPath: (action.hostDirectory as NSString).appendingPathComponent(dockerfile)) else {
            return .failure("The Docker action '\(action.uses)' names the image '\(dockerfile)', which is neither docker://… nor a file in the action's directory.")
        }
        let build = ImageBuild(
            contextDirectory: action.hostDirectory, dockerfile: dockerfile, tag: "localhost/hearth-action-\(Self.stableHash(action.identity))",
            forceRebuild: rebuildLocal && ActionReference.isLocal(action.uses))
        let notes = NoteCollector()
        do {
            let image = try await environment.buildImage(build) { notes.add($0) }
            for note in notes.all { emit(LogLine(kind: .info, text: note)) }
            return .success(image)
        } catch {
            for note in notes.all { emit(LogLine(kind: .info, text: note)) }
            return .failure("Cannot build the image of '\(action.uses)': \(error)")
        }
    }

    /// FNV-1a, 64 bits, as 16 hex digits: a name that stays the same for the same action code.
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Lines handed over from a `@Sendable` callback, read once it has returned.
final class NoteCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
