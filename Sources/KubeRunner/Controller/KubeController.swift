import Backends
import Engine
import Forgejo
import ForgejoProtocol
import Foundation
import Kube
import KubePod
import Logging
import Synchronization
import Workflow

/// The Kubernetes executor's controller: every Forgejo task becomes one Pod (job container, the
/// agent, services), watched through one shared informer. The agent in the pod dials the
/// controller's channel; the controller replays what it hears into Forgejo. A controller that
/// restarts re-adopts the running pods it finds, and a sweep removes what no job owns any more.
///
/// API writes per job: create Pod, create Secret (plus one for registry credentials, if any),
/// delete Pod (Kubernetes removes the Secrets through their ownerReferences).
public final class KubeController: TaskExecutor {
    public struct Configuration: Sendable {
        public var settings: KubernetesSettings
        public var namespace: String
        /// The runner's UUID: the label value that marks this installation's pods.
        public var runnerID: String
        public var labels: [RunnerLabel]
        public var daemon: DaemonSettings
        /// How job pods reach the channel (`kubernetes.controller_url`); nil: `http://127.0.0.1:PORT`
        /// of the bound channel (pods sharing the host's network, as in tests).
        public var controllerURL: String?
        public var agentImage: String
        /// How often the sweep looks for orphans.
        public var sweepInterval: Duration
        /// How long a finished job's session still answers its agent (its last poll hears that
        /// the job is reported) before it is forgotten.
        public var finishedSessionLinger: Duration = .seconds(60)

        public init(
            settings: KubernetesSettings, namespace: String, runnerID: String, labels: [RunnerLabel], daemon: DaemonSettings,
            controllerURL: String?, agentImage: String, sweepInterval: Duration = .seconds(60)
        ) {
            self.settings = settings
            self.namespace = namespace
            self.runnerID = runnerID
            self.labels = labels
            self.daemon = daemon
            self.controllerURL = controllerURL
            self.agentImage = agentImage
            self.sweepInterval = sweepInterval
        }
    }

    public let configuration: Configuration
    private let kube: KubeClient
    private let reporting: any TaskReportingClient
    private let tokens: AgentTokens
    private let logger: Logger
    public let informer: KubeInformer
    public let sessions = TaskSessions()
    private let server: AgentChannelServer
    private let background = Mutex<[Task<Void, Never>]>([])
    /// Pods this controller is supervising, by task id.
    private let supervised = Mutex<Set<Int64>>([])
    private let boundPort = Mutex<Int?>(nil)
    private let slots = LabelSlots()

    /// Where job pods dial the controller.
    public var controllerURL: String {
        configuration.controllerURL ?? "http://127.0.0.1:\(boundPort.withLock { $0 } ?? 8090)"
    }

    public init(configuration: Configuration, kube: KubeClient, reporting: any TaskReportingClient, tokens: AgentTokens, logger: Logger) {
        self.configuration = configuration
        self.kube = kube
        self.reporting = reporting
        self.tokens = tokens
        self.logger = logger
        informer = KubeInformer(
            client: kube, resource: .pods, namespace: configuration.namespace, labelSelector: PodLayout.selector(runnerID: configuration.runnerID),
            logger: logger)
        let sessions = self.sessions
        let box = AdoptionBox()
        server = AgentChannelServer(sessions: sessions, tokens: tokens, logger: logger) { taskID in box.controller?.adoptOnContact(taskID) }
        box.controller = self
    }

    /// Starts the channel (returns its port), the pod informer, re-adoption of running pods and
    /// the sweep.
    public func start(host: String, port: Int) async throws -> Int {
        let bound = try await server.start(host: host, port: port)
        boundPort.withLock { $0 = bound }
        _ = informer.addHandler { [weak self] event in self?.observe(event) }
        let informer = self.informer
        let watching = Task { await informer.run() }
        await informer.waitUntilSynced()
        let sweeping = Task { [weak self] in
            guard let interval = self?.configuration.sweepInterval else { return }
            while !Task.isCancelled {
                await self?.sweep()
                try? await Task.sleep(for: interval)
            }
        }
        background.withLock { $0 += [watching, sweeping] }
        logger.info("kubernetes: watching job pods in namespace \(configuration.namespace); agent channel on port \(bound)")
        return bound
    }

    /// Stops watching and serving. Running job pods are left alone: their agents keep running the
    /// steps and report to the next controller.
    public func stop() async {
        for task in background.withLock({ tasks in defer { tasks = [] }; return tasks }) {
            task.cancel()
            await task.value
        }
        await server.stop()
        for session in sessions.all where !session.isClosed { session.detach() }
    }

    // MARK: - Running a task

    public func execute(task: Runner_V1_Task, client: any TaskReportingClient, cancellation: CancellationSignal) async -> Conclusion {
        let settings = configuration.daemon
        let taskJob = TaskJob(task: task, settings: settings, logger: logger, cancellation: CancellationSignal())
        let workspace = "\(StepShim.workMount)/workspace"

        guard case .success(let (workflow, job)) = taskJob.workflowJob, let run = try? taskJob.runContext(workspace: workspace) else {
            return await runHere(taskJob, client: client)
        }
        let planned = await JobPlanner.plan(workflow: workflow, run: run, selectedJobs: [job.id], completedJobs: TaskPayload.needs(of: task))
        guard let (key, request) = planned.first else {
            // Skipped by its `if:`, or its container expressions fail: no pod; the engine reports it.
            return await runHere(taskJob, client: client)
        }

        let runsOn = job.runsOn?.labels ?? []
        guard let label = RunnerLabel.pick(for: runsOn, from: configuration.labels) else {
            return await failHere(task, stepCount: taskJob.stepCount, client: client, message: "none of the job's labels (\(runsOn.joined(separator: ", "))) is a label of this runner")
        }
        var labelImage: String?
        if case .docker(let image) = label.scheme { labelImage = image }
        let template = configuration.settings.template(forLabel: label.name)
        if let limit = template.concurrency {
            logger.info("task \(task.id): waiting for one of the \(limit) slot(s) of label \(label.name)")
        }
        guard let releaseSlot = await slots.acquire(label.name, limit: template.concurrency, abandon: cancellation) else {
            return await failHere(task, stepCount: taskJob.stepCount, client: client, message: "The runner stopped before a slot of label '\(label.name)' was free")
        }
        let outcome = await launch(
            task: task, taskJob: taskJob, key: key, request: request, labelImage: labelImage, template: template, run: run, client: client,
            cancellation: cancellation)
        await releaseSlot()
        return outcome
    }

    /// Renders and creates the job's pod and Secret, then supervises the job to its end.
    private func launch(
        task: Runner_V1_Task, taskJob: TaskJob, key: JobKey, request: JobEnvironmentRequest, labelImage: String?, template: PodTemplate,
        run: RunContext, client: any TaskReportingClient, cancellation: CancellationSignal
    ) async -> Conclusion {
        let settings = configuration.daemon
        let timeout = Int(settings.jobTimeout.components.seconds)
        let grace = Int(max(settings.terminationGrace.components.seconds, 1))
        let podRequest = PodRequest(
            podName: PodRenderer.podName(taskID: task.id, jobName: key.jobID), namespace: configuration.namespace, taskID: task.id,
            runnerID: configuration.runnerID, jobDisplayName: key.displayName, environment: request, labelImage: labelImage,
            template: template, agentImage: configuration.agentImage,
            controllerURL: controllerURL, activeDeadlineSeconds: timeout + grace + 120, terminationGracePeriodSeconds: grace + 30,
            deadline: Date().addingTimeInterval(Double(timeout + grace + 120)))
        let rendered: RenderedJob
        do {
            rendered = try PodRenderer.render(podRequest, agentToken: tokens.token(forTask: task.id))
        } catch {
            return await failHere(task, stepCount: taskJob.stepCount, client: client, message: "The job's pod cannot be made: \(error)")
        }

        let agentJob = AgentJob(
            task: (try? task.serializedData()) ?? Data(), address: settings.address, runnerName: settings.runnerName, version: settings.version,
            environment: settings.environment, cacheURL: run.runnerEnvironment["ACTIONS_CACHE_URL"],
            jobTimeoutSeconds: Double(timeout), terminationGraceSeconds: Double(grace))
        let session = TaskSession(taskID: task.id, job: agentJob, client: client, timing: settings.reportTiming, logger: logger)
        sessions.add(session)
        supervised.withLock { _ = $0.insert(task.id) }
        defer {
            supervised.withLock { _ = $0.remove(task.id) }
            // The agent polls once more to hear that its job is reported: keep answering for a while.
            let sessions = self.sessions
            let taskID = task.id
            let linger = configuration.finishedSessionLinger
            Task {
                try? await Task.sleep(for: linger)
                sessions.remove(taskID)
                // The last job of a burst is gone: give the memory the burst used back to the system.
                if sessions.all.isEmpty { FreedMemory.release() }
            }
        }
        for warning in rendered.warnings { logger.warning("task \(task.id): \(warning)") }

        do {
            let pod = try await kube.create(.pods, namespace: configuration.namespace, rendered.pod)
            guard let uid = pod.objectUID else { throw StepAgent.Failure(description: "the API server returned a pod without a uid") }
            _ = try await kube.create(.secrets, namespace: configuration.namespace, rendered.secret(ownedBy: uid))
            if let pull = rendered.pullSecret(ownedBy: uid) {
                _ = try await kube.create(.secrets, namespace: configuration.namespace, pull)
            }
            logger.info("task \(task.id): pod \(rendered.podName) created")
            if let current = informer.object(named: rendered.podName) { inspect(current, session: session) }
        } catch {
            await session.fail(.failure, message: "The job's pod cannot be created in namespace \(configuration.namespace): \(error)")
            _ = try? await kube.delete(.pods, namespace: configuration.namespace, name: rendered.podName, propagation: .background)
            return .failure
        }
        return await supervise(session, podName: rendered.podName, detachOn: cancellation)
    }

    /// Waits for the session to close (or the pod to fail, or the agent never to call), then deletes
    /// the pod. Returns early, leaving the pod running, when `detachOn` fires (the controller is
    /// shutting down; the next one adopts the pod).
    private func supervise(_ session: TaskSession, podName: String, detachOn detach: CancellationSignal?) async -> Conclusion {
        let startTimeout = configuration.settings.startTimeout
        let started = ContinuousClock.now
        let noAgent = Task {
            try? await Task.sleep(for: startTimeout)
            if !Task.isCancelled && !session.agentConnected {
                await session.fail(.failure, message: "The job's pod did not start within \(startTimeout): its agent never called the controller")
            }
        }
        var token: Int?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            Task {
                await session.waitUntilClosed()
                once.resume(())
            }
            token = detach?.onCancel { _ in once.resume(()) }
        }
        noAgent.cancel()
        if let token { detach?.remove(token) }
        if !session.isClosed {
            logger.info("task \(session.taskID): detached from pod \(podName) after \(ContinuousClock.now - started); it keeps running")
            return .cancelled
        }
        do {
            _ = try await kube.delete(.pods, namespace: configuration.namespace, name: podName, propagation: .background)
        } catch {
            logger.warning("task \(session.taskID): deleting pod \(podName) failed (\(error)); the sweep will retry")
        }
        return session.result ?? .failure
    }

    /// Runs the task's job without a pod: a job skipped by `if:` or an unreadable payload ends
    /// here with the same log the local daemon would write.
    private func runHere(_ taskJob: TaskJob, client: any TaskReportingClient) async -> Conclusion {
        let reporter = TaskReporter(
            taskID: taskJob.task.id, stepCount: taskJob.stepCount, client: client, timing: configuration.daemon.reportTiming,
            cancellation: taskJob.cancellation, stepDebug: taskJob.stepDebug, logger: logger)
        let reporting = Task { await reporter.run() }
        defer { reporting.cancel() }
        await taskJob.run(progress: reporter, workspace: "\(StepShim.workMount)/workspace") { _ in NoPodFactory() }
        return TaskPayload.conclusion(reporter.result)
    }

    private func failHere(_ task: Runner_V1_Task, stepCount: Int, client: any TaskReportingClient, message: String) async -> Conclusion {
        let reporter = TaskReporter(
            taskID: task.id, stepCount: stepCount, client: client, timing: configuration.daemon.reportTiming, cancellation: CancellationSignal(),
            logger: logger)
        await reporter.close(result: .failure, message: message)
        return .failure
    }

    // MARK: - Watching pods

    private func observe(_ event: KubeInformerEvent) {
        switch event {
        case .added(let pod), .modified(let pod):
            guard let taskID = Self.taskID(of: pod), let session = sessions.session(taskID) else { return }
            inspect(pod, session: session)
        case .deleted(let pod):
            guard let taskID = Self.taskID(of: pod), let session = sessions.session(taskID) else { return }
            Task { await session.fail(.failure, message: "The job's pod \(pod.objectName ?? "") was deleted before the job ended") }
        case .synced:
            break
        }
    }

    /// Readiness of the services, and the failures that end a job whose agent cannot report them.
    private func inspect(_ pod: JSONValue, session: TaskSession) {
        let statuses = (pod[path: "status", "containerStatuses"]?.arrayValue ?? []) + (pod[path: "status", "initContainerStatuses"]?.arrayValue ?? [])
        let serviceNames = (pod[path: "spec", "containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            .filter { $0.hasPrefix(PodLayout.servicePrefix) }
        let ready = serviceNames.allSatisfy { name in
            statuses.contains { $0["name"]?.stringValue == name && $0["ready"]?.boolValue == true }
        }
        if ready { session.markReady() }
        if let problem = Self.problem(of: pod) {
            logger.warning("task \(session.taskID): \(problem)")
            Task { await session.fail(.failure, message: problem) }
        }
    }

    /// Why a pod cannot run the job (nil: nothing wrong yet).
    static func problem(of pod: JSONValue) -> String? {
        let name = pod.objectName ?? "?"
        for status in pod[path: "status", "containerStatuses"]?.arrayValue ?? [] {
            let container = status["name"]?.stringValue ?? "?"
            if let waiting = status[path: "state", "waiting"], let reason = waiting["reason"]?.stringValue,
                ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull"].contains(reason)
            {
                return "The job's pod \(name) cannot start container '\(container)': \(reason): \(waiting["message"]?.stringValue ?? "")"
            }
            if container == PodLayout.agentContainer, let terminated = status[path: "state", "terminated"],
                let code = terminated["exitCode"]?.intValue, code != 0
            {
                return "The agent of pod \(name) stopped with exit code \(code) before the job was reported: \(terminated["message"]?.stringValue ?? terminated["reason"]?.stringValue ?? "")"
            }
        }
        if pod[path: "status", "phase"]?.stringValue == "Failed" {
            let reason = pod[path: "status", "reason"]?.stringValue ?? "Failed"
            let message = pod[path: "status", "message"]?.stringValue ?? ""
            return "The job's pod \(name) failed: \(reason)\(message.isEmpty ? "" : ": \(message)")"
        }
        return nil
    }

    static func taskID(of pod: JSONValue) -> Int64? {
        pod.objectLabels[PodLayout.taskLabel].flatMap { Int64($0) }
    }

    // MARK: - Adoption and sweep

    /// An upload from the agent of a pod this controller does not supervise: adopt it when the pod
    /// is one of ours and still there.
    fileprivate func adoptOnContact(_ taskID: Int64) -> TaskSession? {
        guard let pod = informer.objects().first(where: { Self.taskID(of: $0) == taskID }) else { return nil }
        return adoptionSession(taskID, pod: pod)
    }

    /// Makes the session of an adopted pod and supervises it until the job is reported.
    private func adoptionSession(_ taskID: Int64, pod: JSONValue) -> TaskSession? {
        let claimed = supervised.withLock { $0.insert(taskID).inserted }
        guard claimed else { return nil }
        let session = TaskSession(taskID: taskID, job: nil, client: reporting, timing: configuration.daemon.reportTiming, logger: logger)
        session.markReady()
        let podName = pod.objectName ?? ""
        logger.info("task \(taskID): adopting running pod \(podName)")
        let supervisor = Task { [weak self] in
            guard let self else { return }
            _ = await self.supervise(session, podName: podName, detachOn: nil)
            self.sessions.remove(taskID)
            self.supervised.withLock { _ = $0.remove(taskID) }
        }
        background.withLock { $0.append(supervisor) }
        return session
    }

    /// Adopts running pods nobody supervises; deletes finished or expired ones, reporting a failure
    /// to Forgejo for pods that failed with no agent left to say so.
    func sweep() async {
        for pod in informer.objects() {
            guard let taskID = Self.taskID(of: pod), let name = pod.objectName else { continue }
            if supervised.withLock({ $0.contains(taskID) }) { continue }
            let phase = pod[path: "status", "phase"]?.stringValue ?? "Pending"
            let deadline = pod[path: "metadata", "annotations", PodLayout.deadlineAnnotation]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) }
            let expired = deadline.map { Date() > $0.addingTimeInterval(300) } ?? false
            if phase == "Succeeded" || phase == "Failed" || expired || pod[path: "metadata", "deletionTimestamp"] != nil {
                if phase != "Succeeded", pod[path: "metadata", "deletionTimestamp"] == nil {
                    let reason = Self.problem(of: pod) ?? "The job's pod \(name) ended (\(phase)) while no controller watched it"
                    let reporter = TaskReporter(
                        taskID: taskID, stepCount: 0, client: reporting, timing: configuration.daemon.reportTiming, cancellation: CancellationSignal(),
                        logger: logger)
                    await reporter.close(result: .failure, message: reason)
                }
                logger.info("sweep: removing pod \(name) of task \(taskID) (\(expired ? "past its deadline" : phase))")
                _ = try? await kube.delete(.pods, namespace: configuration.namespace, name: name, propagation: .background)
            } else if let session = adoptionSession(taskID, pod: pod) {
                sessions.add(session)
                inspect(pod, session: session)
            }
        }
    }
}

/// Lets the channel's adoption callback reach the controller that owns the channel.
private final class AdoptionBox: @unchecked Sendable {
    weak var controller: KubeController?
}

/// For jobs that end before needing an environment (skipped, or failing while being prepared).
private struct NoPodFactory: EnvironmentFactory {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "this job cannot run outside a pod" }
    }

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        throw Unavailable()
    }
}
