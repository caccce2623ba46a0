import Backends
import Expressions
import Foundation
import Workflow

/// Runs one step: evaluates its `if:`, name, `env`, `continue-on-error` and `timeout-minutes`,
/// hands it to the executor for its kind (`run:`, or an action), and records the result in its
/// scope. Job-level steps report step events; steps inside composite actions write to the log of
/// the step that called the action.
struct StepRunner: Sendable {
    let workflow: Workflow
    let job: Job
    let run: RunContext
    let environment: any ExecutionEnvironment
    let sink: any EventSink
    let key: JobKey
    let cancellation: CancellationSignal
    let masker: SecretMasker
    let files: FileCommandFiles
    let actions: ActionResolver

    /// What an executor reports back for a step's main stage.
    struct Result {
        var outcome: Conclusion
        var outputs: [String: String] = [:]
    }

    func execute(_ step: Step, key stepKey: StepKey, contexts: JobContexts, state: inout JobState, scope: inout StepScope) async {
        let started = ContinuousClock.now
        var stepKey = stepKey
        var contexts = contexts
        contexts.github["action"] = .string(step.effectiveID)
        if let frame = scope.action {
            contexts.inputs = frame.inputs
            contexts.github["action_path"] = .string(frame.path)
            contexts.github["action_repository"] = .string(frame.repository)
            contexts.github["action_ref"] = .string(frame.ref)
        }
        let status = scope.statusFunctions(cancelled: cancellation.isCancelled)
        let inherited = state.environment.merging(scope.action?.environment ?? [:]) { _, new in new }
        let baseContext = contexts.evaluation(env: inherited, steps: scope.steps, status: status)
        let logKey = scope.action?.callerKey ?? stepKey
        let emit: (LogLine) -> Void = { line in sink.receive(.log(key, step: logKey, line)) }

        // Name first, so even a step whose `if:` fails to evaluate is shown by its name.
        if let name = step.name, Template.containsExpression(name) {
            stepKey.name = (try? Evaluator.string(name, baseContext)) ?? name
        }

        let shouldRun: Bool
        do {
            shouldRun = try Evaluator.condition(step.condition, baseContext)
        } catch {
            begin(stepKey, scope: scope)
            emit(.error(masker.mask("The step's 'if' expression could not be evaluated: \(error)")))
            finish(step, stepKey, outcome: .failure, continueOnError: false, outputs: [:], started: started, scope: &scope)
            return
        }
        guard shouldRun else {
            scope.record(stepID: step.effectiveID, outputs: [:], outcome: .skipped, conclusion: .skipped)
            if scope.isTopLevel {
                sink.receive(.stepFinished(key, stepKey, outcome: .skipped, conclusion: .skipped, duration: .zero))
            }
            return
        }

        begin(stepKey, scope: scope)
        let continueOnError = ((try? step.continueOnError.map { try Evaluator.value($0, baseContext) }) ?? nil)?.isTruthy ?? false
        let timeout = ((try? step.timeoutMinutes.map { try Evaluator.value($0, baseContext) }) ?? nil)?.minutes

        // Step env is evaluated against the job's env; the step then sees both.
        var stepEnvironment = inherited
        do {
            for (name, value) in try Evaluator.map(step.env, baseContext) { stepEnvironment[name] = value }
        } catch {
            emit(.error(masker.mask("Error evaluating step env: \(error)")))
            finish(step, stepKey, outcome: .failure, continueOnError: continueOnError, outputs: [:], started: started, scope: &scope)
            return
        }
        let stepContext = contexts.evaluation(env: stepEnvironment, steps: scope.steps, status: status)
        let command = CommandStep(
            run: run, environment: environment, cancellation: cancellation, masker: masker, files: files, emit: emit,
            summary: { sink.receive(.stepSummary(key, logKey, markdown: $0)) })

        let result: Result
        if let script = step.run {
            let defaults = scope.isTopLevel ? [job.defaults?.run, workflow.defaults?.run].compactMap { $0 } : []
            result = await RunStepExecutor(command: command, environment: environment, defaults: defaults).execute(
                step: step, script: script, context: stepContext, github: contexts.github, runner: contexts.runner,
                stepEnvironment: stepEnvironment, timeout: timeout, state: &state)
        } else if let uses = step.uses {
            let executor = ActionStepExecutor(runner: self, command: command)
            result = await executor.execute(
                step: step, uses: uses, key: stepKey, contexts: contexts, context: stepContext, stepEnvironment: stepEnvironment,
                timeout: timeout, state: &state, scope: scope)
        } else {
            emit(.error("The step has neither 'run' nor 'uses'."))
            result = Result(outcome: .failure)
        }
        finish(step, stepKey, outcome: result.outcome, continueOnError: continueOnError, outputs: result.outputs, started: started, scope: &scope)
    }

    /// Announces a step: a step event at job level, a group in the caller's log inside an action.
    private func begin(_ stepKey: StepKey, scope: StepScope) {
        if let frame = scope.action {
            sink.receive(.log(key, step: frame.callerKey, LogLine(kind: .groupStart, text: stepKey.name)))
        } else {
            sink.receive(.stepStarted(key, stepKey, at: Date()))
        }
    }

    private func finish(
        _ step: Step, _ stepKey: StepKey, outcome: Conclusion, continueOnError: Bool, outputs: [String: String],
        started: ContinuousClock.Instant, scope: inout StepScope
    ) {
        let conclusion: Conclusion = outcome == .failure && continueOnError ? .success : outcome
        scope.record(stepID: step.effectiveID, outputs: outputs, outcome: outcome, conclusion: conclusion)
        if let frame = scope.action {
            sink.receive(.log(key, step: frame.callerKey, LogLine(kind: .groupEnd, text: "")))
        } else {
            sink.receive(.stepFinished(key, stepKey, outcome: outcome, conclusion: conclusion, duration: ContinuousClock.now - started))
        }
    }
}
