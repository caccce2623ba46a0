import Backends
import Expressions
import Foundation
import Workflow

/// Runs one step of a job: evaluates its `if:`, name, `env`, `continue-on-error` and
/// `timeout-minutes`, hands it to the executor for its kind, and records the result.
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

    /// What an executor reports back for a step's main stage.
    struct Result {
        var outcome: Conclusion
        var outputs: [String: String] = [:]
    }

    func execute(_ step: Step, key stepKey: StepKey, contexts: JobContexts, state: inout JobState) async {
        let started = ContinuousClock.now
        var stepKey = stepKey
        var github = contexts.github
        github["action"] = .string(step.effectiveID)
        var contexts = contexts
        contexts.github = github
        let status = state.statusFunctions(cancelled: cancellation.isCancelled)
        let baseContext = contexts.evaluation(env: state.environment, steps: state.steps, status: status)

        func fail(_ message: String) {
            emit(stepKey, LogLine.error(masker.mask(message)))
        }

        // Name first, so even a step whose `if:` fails to evaluate is shown by its name.
        if let name = step.name, Template.containsExpression(name) {
            stepKey.name = (try? Evaluator.string(name, baseContext)) ?? name
        }

        let shouldRun: Bool
        do {
            shouldRun = try Evaluator.condition(step.condition, baseContext)
        } catch {
            sink.receive(.stepStarted(key, stepKey, at: Date()))
            fail("The step's 'if' expression could not be evaluated: \(error)")
            finish(step, stepKey, outcome: .failure, continueOnError: false, outputs: [:], started: started, state: &state)
            return
        }
        guard shouldRun else {
            state.record(stepID: step.effectiveID, outputs: [:], outcome: .skipped, conclusion: .skipped)
            sink.receive(.stepFinished(key, stepKey, outcome: .skipped, conclusion: .skipped, duration: .zero))
            return
        }

        sink.receive(.stepStarted(key, stepKey, at: Date()))
        let continueOnError = ((try? step.continueOnError.map { try Evaluator.value($0, baseContext) }) ?? nil)?.isTruthy ?? false
        let timeout = ((try? step.timeoutMinutes.map { try Evaluator.value($0, baseContext) }) ?? nil)?.minutes

        // Step env is evaluated against the job's env; the step then sees both.
        var stepEnvironment = state.environment
        do {
            for (name, value) in try Evaluator.map(step.env, baseContext) { stepEnvironment[name] = value }
        } catch {
            fail("Error evaluating step env: \(error)")
            finish(step, stepKey, outcome: .failure, continueOnError: continueOnError, outputs: [:], started: started, state: &state)
            return
        }
        let stepContext = contexts.evaluation(env: stepEnvironment, steps: state.steps, status: status)

        let result: Result
        if let script = step.run {
            let executor = RunStepExecutor(
                workflow: workflow, job: job, run: run, environment: environment, cancellation: cancellation, masker: masker, files: files,
                emit: { emit(stepKey, $0) }, summary: { sink.receive(.stepSummary(key, stepKey, markdown: $0)) })
            result = await executor.execute(
                step: step, script: script, context: stepContext, github: github, runner: contexts.runner,
                stepEnvironment: stepEnvironment, timeout: timeout, state: &state)
        } else if let uses = step.uses {
            result = executeAction(uses, stepKey: stepKey)
        } else {
            fail("The step has neither 'run' nor 'uses'.")
            result = Result(outcome: .failure)
        }
        finish(step, stepKey, outcome: result.outcome, continueOnError: continueOnError, outputs: result.outputs, started: started, state: &state)
    }

    private func executeAction(_ uses: String, stepKey: StepKey) -> Result {
        let reference = uses.split(separator: "@").first.map(String.init)?.lowercased() ?? uses
        if run.skippedActions.contains(reference) {
            emit(stepKey, LogLine(kind: .info, text: "Skipping \(uses): hearth exec uses the working tree as it is (pass --no-skip-checkout to run it)"))
            return Result(outcome: .success)
        }
        if uses.hasPrefix("docker://") && !environment.supportsContainers {
            emit(stepKey, LogLine.error("'\(uses)' needs a container backend; the \(environment.kind) backend cannot run Docker actions. Run with --backend podman (or -i IMAGE)."))
            return Result(outcome: .failure)
        }
        emit(stepKey, LogLine.error("Actions ('uses: \(uses)') are not supported by this version of Hearth yet."))
        return Result(outcome: .failure)
    }

    private func finish(
        _ step: Step, _ stepKey: StepKey, outcome: Conclusion, continueOnError: Bool, outputs: [String: String],
        started: ContinuousClock.Instant, state: inout JobState
    ) {
        let conclusion: Conclusion = outcome == .failure && continueOnError ? .success : outcome
        state.record(stepID: step.effectiveID, outputs: outputs, outcome: outcome, conclusion: conclusion)
        sink.receive(.stepFinished(key, stepKey, outcome: outcome, conclusion: conclusion, duration: ContinuousClock.now - started))
    }

    private func emit(_ stepKey: StepKey, _ line: LogLine) {
        sink.receive(.log(key, step: stepKey, line))
    }
}
