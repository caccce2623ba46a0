import Backends
import Expressions
import Foundation
import Workflow

/// What a job instance ended with.
public struct JobOutcome: Sendable {
    public var result: Conclusion
    public var outputs: [String: String]

    public init(result: Conclusion, outputs: [String: String] = [:]) {
        self.result = result
        self.outputs = outputs
    }
}

/// Runs one job instance (one matrix combination) in an execution environment: its steps in order
/// with their `if:` conditions, timeouts and cancellation, then its outputs.
public struct JobRunner: Sendable {
    public let workflow: Workflow
    public let job: Job
    public let key: JobKey
    public let run: RunContext
    public let contexts: JobContexts
    public let environment: any ExecutionEnvironment
    public let sink: any EventSink
    public let cancellation: CancellationSignal

    public init(
        workflow: Workflow, job: Job, key: JobKey, run: RunContext, contexts: JobContexts, environment: any ExecutionEnvironment,
        sink: any EventSink, cancellation: CancellationSignal
    ) {
        self.workflow = workflow
        self.job = job
        self.key = key
        self.run = run
        self.contexts = contexts
        self.environment = environment
        self.sink = sink
        self.cancellation = cancellation
    }

    /// The job's default timeout on GitHub and Forgejo: 360 minutes.
    static let defaultTimeout: Duration = .seconds(360 * 60)

    /// Runs the job; `notes` are set-up messages shown before the first step.
    public func execute(notes: [LogLine] = []) async -> JobOutcome {
        let started = ContinuousClock.now
        let masker = SecretMasker()
        for secret in run.secrets.values { masker.add(secret) }
        for value in run.additionalMasks { masker.add(value) }
        if let token = contexts.github["token"]?.stringValue { masker.add(token) }

        let stepKeys = job.steps.enumerated().map { index, step in
            StepKey(index: index, id: step.effectiveID, name: Self.defaultName(of: step))
        }
        sink.receive(.jobStarted(key, steps: stepKeys, at: Date()))
        for note in notes { sink.receive(.log(key, step: nil, note)) }
        func log(_ text: String, level: Annotation.Level) {
            sink.receive(.log(key, step: nil, .annotation(level, masker.mask(text))))
        }

        var state = JobState()
        var jobContexts = contexts
        do {
            // Workflow env, then job env (which may use workflow env), then the runner's own variables.
            var environment: [String: String] = [:]
            let workflowContext = jobContexts.evaluation(env: environment)
            for (name, value) in try Evaluator.map(workflow.env, workflowContext) { environment[name] = value }
            for (name, value) in try Evaluator.map(job.env, jobContexts.evaluation(env: environment)) { environment[name] = value }
            for (name, value) in run.runnerEnvironment { environment[name] = value }
            state.environment = environment
        } catch {
            log("Error evaluating job env: \(error)", level: .error)
            return finish(.failure, outputs: [:], started: started)
        }

        // The job's own timeout cancels it like a user would, so always() steps still run.
        let timeoutContext = jobContexts.evaluation(env: state.environment)
        let jobTimeout = (try? job.timeoutMinutes.map { try Evaluator.value($0, timeoutContext) })??.minutes ?? Self.defaultTimeout
        let jobCancellation = CancellationSignal(parent: cancellation)
        let timer = Task {
            do {
                try await Task.sleep(for: jobTimeout)
                jobCancellation.cancel(reason: "The job has exceeded the maximum execution time of \(jobTimeout)")
            } catch {}
        }
        defer { timer.cancel() }

        let files: FileCommandFiles
        do {
            files = try FileCommandFiles(in: environment)
        } catch {
            log("Cannot create the file-command files in \(environment.runnerTemp): \(error)", level: .error)
            return finish(.failure, outputs: [:], started: started)
        }
        defer { files.remove() }

        jobContexts.job = ObjectValue([("status", .string("success"))])
        let actions = ActionResolver(run: run, environment: environment)
        let stepRunner = StepRunner(
            workflow: workflow, job: job, run: run, environment: environment, sink: sink, key: key,
            cancellation: jobCancellation, masker: masker, files: files, actions: actions)
        var scope = StepScope()

        // Set up: every action is fetched before the first step, as on GitHub; `pre:` stages run then.
        if await !prepareActions(stepRunner, contexts: jobContexts, state: &state, scope: scope) {
            return finish(.failure, outputs: [:], started: started)
        }

        for (index, step) in job.steps.enumerated() {
            await stepRunner.execute(step, key: stepKeys[index], contexts: jobContexts, state: &state, scope: &scope)
            jobContexts.job["status"] = .string(jobCancellation.isCancelled ? "cancelled" : scope.succeeded ? "success" : "failure")
        }

        // Post stages, in reverse order, with the job's final status.
        for post in state.postSteps.reversed() {
            await runPost(post, stepRunner, contexts: jobContexts, state: &state, scope: &scope)
        }

        if let reason = jobCancellation.reason, !cancellation.isCancelled {
            log(reason, level: .error)
        }
        let result: Conclusion = jobCancellation.isCancelled ? (cancellation.isCancelled ? .cancelled : .failure) : (scope.succeeded ? .success : .failure)

        var outputs: [String: String] = [:]
        let outputContext = jobContexts.evaluation(env: state.environment, steps: scope.steps, status: scope.statusFunctions(cancelled: jobCancellation.isCancelled))
        for (name, text) in job.outputs {
            do {
                let value = try Evaluator.string(text, outputContext)
                // GitHub drops outputs that contain a secret rather than passing it on.
                if masker.mask(value) != value {
                    log("Skip output '\(name)' since it may contain secret.", level: .warning)
                    continue
                }
                outputs[name] = value
            } catch {
                log("Error evaluating output '\(name)': \(error)", level: .error)
            }
        }
        return finish(result, outputs: outputs, started: started)
    }

    /// Resolves the job's remote actions and runs their `pre:` stages. False when an action cannot
    /// be had. Local actions (`./…`) are read when their step runs, as on GitHub: an earlier step
    /// (a checkout) usually puts them there, so they have no `pre:` stage.
    private func prepareActions(_ runner: StepRunner, contexts: JobContexts, state: inout JobState, scope: StepScope) async -> Bool {
        for (index, step) in job.steps.enumerated() {
            guard let uses = step.uses, !uses.hasPrefix("docker://"), !ActionReference.isLocal(uses),
                !run.skippedActions.contains(uses.split(separator: "@").first.map { $0.lowercased() } ?? uses)
            else { continue }
            var warnings: [String] = []
            let action: ResolvedAction
            do {
                action = try await runner.actions.resolve(uses, warnings: &warnings)
            } catch {
                sink.receive(.log(key, step: nil, .error(runner.masker.mask(error.description))))
                return false
            }
            for warning in warnings { sink.receive(.log(key, step: nil, .warning(warning))) }
            let preCondition: String
            switch action.manifest.runs {
            case .node(let node) where node.pre != nil: preCondition = node.preIf ?? "always()"
            case .docker(let docker) where docker.preEntrypoint != nil && environment.supportsContainers: preCondition = docker.preIf ?? "always()"
            default: continue
            }
            let stepKey = StepKey(index: index, id: step.effectiveID, name: "Pre \(Self.defaultName(of: step))", stage: .pre)
            let context = contexts.evaluation(env: state.environment, steps: scope.steps, status: scope.statusFunctions(cancelled: runner.cancellation.isCancelled))
            guard (try? Evaluator.condition(preCondition, context)) == true else { continue }
            let emit: (LogLine) -> Void = { self.sink.receive(.log(self.key, step: stepKey, $0)) }
            let command = CommandStep(
                run: run, environment: environment, cancellation: runner.cancellation, masker: runner.masker, files: runner.files,
                emit: emit, summary: { self.sink.receive(.stepSummary(self.key, stepKey, markdown: $0)) })
            sink.receive(.stepStarted(key, stepKey, at: Date()))
            let started = ContinuousClock.now
            let stepEnvironment = state.environment.merging((try? Evaluator.map(step.env, context)).map { Dictionary($0, uniquingKeysWith: { _, new in new }) } ?? [:]) { _, new in new }
            let result: StepRunner.Result
            do {
                let inputs = try ActionInputs(manifest: action.manifest, with: step.with, context: context, uses: uses)
                switch action.manifest.runs {
                case .docker(let docker):
                    result = await DockerActionExecutor(command: command, run: run, workspace: environment.workspace).executeAction(
                        stage: .pre, action: action, runs: docker, inputs: inputs, with: step.with, context: context, stepID: step.effectiveID,
                        stepEnvironment: stepEnvironment, github: contexts.github, runner: contexts.runner, timeout: nil, state: &state)
                case .node(let node):
                    result = await NodeActionExecutor(command: command, run: run, workspace: environment.workspace).execute(
                        stage: .pre, action: action, runs: node, inputs: inputs, stepID: step.effectiveID, stepEnvironment: stepEnvironment,
                        github: contexts.github, runner: contexts.runner, timeout: nil, state: &state)
                case .composite:
                    continue
                }
            } catch {
                result = command.fail("\(error)")
            }
            sink.receive(.stepFinished(key, stepKey, outcome: result.outcome, conclusion: result.outcome, duration: ContinuousClock.now - started))
            if result.outcome != .success { return false }
        }
        return true
    }

    private func runPost(_ post: PostStep, _ runner: StepRunner, contexts: JobContexts, state: inout JobState, scope: inout StepScope) async {
        let context = contexts.evaluation(env: state.environment, steps: scope.steps, status: scope.statusFunctions(cancelled: runner.cancellation.isCancelled))
        guard (try? Evaluator.condition(post.condition, context)) == true else { return }
        let emit: (LogLine) -> Void = { self.sink.receive(.log(self.key, step: post.key, $0)) }
        let command = CommandStep(
            run: run, environment: environment, cancellation: runner.cancellation, masker: runner.masker, files: runner.files,
            emit: emit, summary: { self.sink.receive(.stepSummary(self.key, post.key, markdown: $0)) })
        sink.receive(.stepStarted(key, post.key, at: Date()))
        let started = ContinuousClock.now
        let result = await post.execute(command: command, run: run, workspace: environment.workspace, state: &state)
        // A failing post stage fails the job, as on GitHub.
        if result.outcome == .failure { scope.succeeded = false }
        sink.receive(.stepFinished(key, post.key, outcome: result.outcome, conclusion: result.outcome, duration: ContinuousClock.now - started))
    }

    private func finish(_ result: Conclusion, outputs: [String: String], started: ContinuousClock.Instant) -> JobOutcome {
        sink.receive(.jobFinished(key, result: result, outputs: outputs, duration: ContinuousClock.now - started))
        return JobOutcome(result: result, outputs: outputs)
    }

    /// GitHub's default step names: `Run <first line of the script>` or `Run <action>`.
    static func defaultName(of step: Step) -> String {
        if let name = step.name, !name.isEmpty { return name }
        if let run = step.run {
            let firstLine = run.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            return "Run \(firstLine.trimmingCharacters(in: .whitespaces))"
        }
        if let uses = step.uses { return "Run \(uses)" }
        return step.effectiveID
    }
}
