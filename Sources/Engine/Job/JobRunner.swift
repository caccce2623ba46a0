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
        let stepRunner = StepRunner(
            workflow: workflow, job: job, run: run, environment: environment, sink: sink, key: key,
            cancellation: jobCancellation, masker: masker, files: files)
        for (index, step) in job.steps.enumerated() {
            await stepRunner.execute(step, key: stepKeys[index], contexts: jobContexts, state: &state)
            jobContexts.job["status"] = .string(jobCancellation.isCancelled ? "cancelled" : state.succeeded ? "success" : "failure")
        }

        if let reason = jobCancellation.reason, !cancellation.isCancelled {
            log(reason, level: .error)
        }
        let result: Conclusion = jobCancellation.isCancelled ? (cancellation.isCancelled ? .cancelled : .failure) : (state.succeeded ? .success : .failure)

        var outputs: [String: String] = [:]
        let outputContext = jobContexts.evaluation(env: state.environment, steps: state.steps, status: state.statusFunctions(cancelled: jobCancellation.isCancelled))
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
