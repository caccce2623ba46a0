import Backends
import Engine
import Expressions
import Foundation
import ForgejoProtocol
import Logging
import Workflow

/// Where a task's progress goes: the Forgejo reporter in the daemon, or the channel to the
/// controller inside a Kubernetes job pod.
public protocol TaskProgress: EventSink {
    /// A message from the runner itself (set-up, errors) outside any step.
    func note(_ text: String)
    /// The job ended (`result` when no step decided it, `message` as a last row).
    func finish(result: Conclusion, message: String?) async
}

extension TaskReporter: TaskProgress {
    public func finish(result: Conclusion, message: String?) async {
        await close(result: result, message: message)
    }
}

/// Runs extra work beside the daemon's own: a backend that takes tasks over entirely (the
/// Kubernetes controller runs each task in a pod of its own).
public protocol TaskExecutor: Sendable {
    /// Runs `task` to its end, reporting through `client`; never throws. Returns the task's result.
    func execute(task: Runner_V1_Task, client: any TaskReportingClient, cancellation: CancellationSignal) async -> Conclusion
}

/// Runs one Forgejo task: the task's job on the backend its label names, reported to Forgejo as
/// it goes. The job source is the task; everything between it and the reporter is the same engine
/// `hearth exec` uses.
struct TaskExecution: Sendable {
    let task: Runner_V1_Task
    let settings: DaemonSettings
    let client: any TaskReportingClient
    let metrics: RunnerMetrics?
    let logger: Logger
    /// Cancelled by the daemon (shutdown) or by the server's reply.
    let cancellation: CancellationSignal

    /// Runs the task to its end, including the final report. Never throws: every failure becomes
    /// the task's result and a line in its log.
    func run() async {
        metrics?.taskStarted(taskID: task.id)
        let job = TaskJob(task: task, settings: settings, logger: logger, cancellation: cancellation)
        let reporter = TaskReporter(
            taskID: task.id, stepCount: job.stepCount, client: client, timing: settings.reportTiming, cancellation: cancellation,
            stepDebug: job.stepDebug, logger: logger, metrics: metrics)
        let reporting = Task { await reporter.run() }
        defer { reporting.cancel() }
        let backends = settings.backends
        let taskID = task.id
        await job.run(progress: reporter, workspace: "\(settings.workdirParent)/task-\(task.id)/workspace") { job in
            try backends.factory(for: job.runsOn?.labels ?? [], taskID: taskID)
        }
        metrics?.taskFinished(taskID: task.id, result: TaskLog.resultName(reporter.result))
        logger.info("task \(task.id) finished: \(TaskLog.resultName(reporter.result))")
    }
}

/// A task's job, read from its payload and ready to run wherever its environment factory puts
/// it: the daemon's own machine, or the agent inside a Kubernetes job pod.
public struct TaskJob: Sendable {
    public let task: Runner_V1_Task
    public let settings: DaemonSettings
    public let logger: Logger
    public let cancellation: CancellationSignal
    private let parsed: Result<(Workflow, Job), TaskPayload.Invalid>

    public init(task: Runner_V1_Task, settings: DaemonSettings, logger: Logger, cancellation: CancellationSignal) {
        self.task = task
        self.settings = settings
        self.logger = logger
        self.cancellation = cancellation
        do {
            parsed = .success(try TaskPayload.workflow(of: task))
        } catch let error as TaskPayload.Invalid {
            parsed = .failure(error)
        } catch {
            parsed = .failure(TaskPayload.Invalid(description: "\(error)"))
        }
    }

    /// The job's steps as Forgejo counts them (0 when the payload cannot be read).
    public var stepCount: Int { (try? parsed.get().1.steps.count) ?? 0 }
    public var stepDebug: Bool { task.secrets["ACTIONS_STEP_DEBUG"]?.lowercased() == "true" }
    /// The workflow and its one job, or why the payload cannot be read.
    public var workflowJob: Result<(Workflow, Job), TaskPayload.Invalid> { parsed }
    /// The job's display name from the task's context.
    public var jobName: String { task.context.fields["job"].map { TaskPayload.value($0).coercedString } ?? "?" }

    /// Runs the job to its end and finishes `progress`. Never throws.
    public func run(
        progress: any TaskProgress, workspace: String, environments: @Sendable (Job) throws -> any EnvironmentFactory
    ) async {
        progress.note("hearth \(settings.version) received task \(task.id) of job \(jobName)")
        let workflow: Workflow
        let job: Job
        switch parsed {
        case .failure(let problem):
            await progress.finish(result: .failure, message: problem.description)
            return
        case .success(let pair):
            (workflow, job) = pair
        }
        let context: RunContext
        let factory: any EnvironmentFactory
        do {
            context = try runContext(workspace: workspace)
            factory = try environments(job)
        } catch {
            await progress.finish(result: .failure, message: "\(error)")
            return
        }

        // runner.timeout: the job is cancelled like by a user, and the task ends CANCELLED.
        let cancellation = self.cancellation
        let timedOut = Task { [settings] in
            do {
                try await Task.sleep(for: settings.jobTimeout)
                progress.note("The runner cancelled the job because it exceeds the maximum run time")
                cancellation.cancel(reason: "The runner cancelled the job because it exceeds the maximum run time")
            } catch {}
        }
        defer { timedOut.cancel() }

        let runner = WorkflowRunner(
            workflow: workflow, run: context, environments: factory, sink: progress, cancellation: cancellation,
            limit: AsyncSemaphore(permits: 1), selectedJobs: [job.id], completedJobs: TaskPayload.needs(of: task))
        let summaries = await runner.execute()
        let result = summaries.first { $0.jobID == job.id }?.result ?? .failure
        await progress.finish(result: cancellation.isCancelled && result != .success ? .cancelled : result, message: nil)
    }

    /// The run's inputs, as forgejo-runner derives them from the task (§5.1, §5.2).
    public func runContext(workspace: String) throws -> RunContext {
        var github = TaskPayload.object(task.context)
        func text(_ key: String) -> String? {
            guard let value = github[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        guard let actionsURL = text("forgejo_default_actions_url") ?? text("gitea_default_actions_url") else {
            throw TaskPayload.Invalid(description: "the task names no default actions URL (forgejo_default_actions_url); the server is too old or the task is damaged")
        }
        let token = text("token") ?? task.secrets["GITHUB_TOKEN"] ?? ""
        let runtimeToken = text("forgejo_runtime_token") ?? text("gitea_runtime_token") ?? token
        let address = settings.address
        github["workspace"] = .string(workspace)

        var environment = settings.environment
        environment["GITHUB_SERVER_URL"] = address
        environment["FORGEJO_SERVER_URL"] = address
        environment["GITHUB_API_URL"] = "\(address)/api/v1"
        environment["FORGEJO_API_URL"] = "\(address)/api/v1"
        environment["ACTIONS_RUNTIME_URL"] = "\(address)/api/actions_pipeline/"
        environment["ACTIONS_RESULTS_URL"] = address
        environment["ACTIONS_RUNTIME_TOKEN"] = runtimeToken
        environment["GITHUB_TOKEN"] = token
        environment["FORGEJO_TOKEN"] = token
        environment["GITEA_ACTIONS_RUNNER_VERSION"] = settings.version
        environment["FORGEJO_ACTIONS_RUNNER_VERSION"] = settings.version
        if let cacheURL = settings.cacheURL, let repository = text("repository") {
            // Pull requests (forks among them) get caches of their own ref only, as in Forgejo.
            let isolated = (text("event_name") ?? "").hasPrefix("pull_request") ? text("ref") : nil
            environment["ACTIONS_CACHE_URL"] = cacheURL(repository, isolated)
        }
        if let url = text("forgejo_actions_id_token_request_url") ?? text("actions_id_token_request_url") {
            environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = url
        }
        if let value = text("forgejo_actions_id_token_request_token") ?? text("actions_id_token_request_token") {
            environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = value
        }

        var inputs = github["inputs"]?.objectValue ?? github["event"]?["inputs"]?.objectValue ?? ObjectValue()
        if inputs.isEmpty, let event = github["event"]?["inputs"]?.objectValue { inputs = event }

        var context = RunContext(
            github: github, secrets: task.secrets, vars: task.vars, inputs: inputs, runnerEnvironment: environment,
            runnerName: settings.runnerName, serverURL: address, terminationGrace: settings.terminationGrace,
            skippedActions: [], repositoryRoot: workspace)
        context.defaultActionsURL = actionsURL
        context.additionalMasks = [token, runtimeToken].filter { !$0.isEmpty }
        // The task token goes only to this Forgejo instance, never to another host.
        let instanceHost = URL(string: address)?.host
        context.actionFetcher = ActionFetcher(
            cacheDirectory: settings.actionCache, token: token.isEmpty ? nil : token,
            tokenHosts: instanceHost.map { [$0] } ?? [])
        return context
    }
}

extension TaskLog {
    static func resultName(_ result: Runner_V1_Result) -> String {
        switch result {
        case .success: return "success"
        case .failure: return "failure"
        case .cancelled: return "cancelled"
        case .skipped: return "skipped"
        default: return "unknown"
        }
    }
}
