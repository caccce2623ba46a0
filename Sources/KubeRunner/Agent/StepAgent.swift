import AsyncHTTPClient
import Backends
import Engine
import Forgejo
import ForgejoProtocol
import Foundation
import KubePod
import Logging

/// `hearth agent`: runs inside a job pod beside the job container. It fetches its task from the
/// controller (dialling out; the pod needs no API access and Hearth no `pods/exec`), runs the
/// job's steps in the job container through the step shim, and uploads every record until the
/// controller has reported the job to Forgejo.
public struct StepAgent: Sendable {
    public struct Options: Sendable {
        public var controllerURL: String
        public var taskID: Int64
        public var token: String
        /// The shared volume's mount (`/__w`).
        public var root: String
        /// How long to wait for the controller and for the job container's shim.
        public var startTimeout: Duration
        /// The agent's node, injected into job images without one (`node` in PATH when nil).
        public var node: String?

        public init(controllerURL: String, taskID: Int64, token: String, root: String = StepShim.workMount, startTimeout: Duration = .seconds(600),
                    node: String? = nil) {
            self.controllerURL = controllerURL
            self.taskID = taskID
            self.token = token
            self.root = root
            self.startTimeout = startTimeout
            self.node = node
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options
    public let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Runs the job to its end. Throws only when the job could not start at all (no controller,
    /// no shim); the controller then reports the pod's failure.
    public func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await run(http: http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
    }

    private func run(http: HTTPClient) async throws {
        let channel = AgentChannelClient(baseURL: options.controllerURL, taskID: options.taskID, token: options.token, http: http)
        let job = try await fetchJob(channel)
        let task: Runner_V1_Task
        do {
            task = try Runner_V1_Task(serializedBytes: job.task)
        } catch {
            throw Failure(description: "the controller sent a task that cannot be read: \(error)")
        }

        let link: ShimLink
        do {
            link = try ShimLink(directory: "\(options.root)/_hearth")
        } catch {
            throw Failure(description: error.description)
        }
        let cancellation = CancellationSignal()
        let uploader = RecordUploader(channel: channel, cancellation: cancellation, logger: logger)
        let uploading = Task { await uploader.run() }

        let settings = Self.settings(job, root: options.root)
        let taskJob = TaskJob(task: task, settings: settings, logger: logger, cancellation: cancellation)
        uploader.append(.begin(stepCount: taskJob.stepCount, stepDebug: taskJob.stepDebug))
        let progress = AgentProgress(uploader: uploader)

        guard await link.waitUntilReady(timeout: options.startTimeout) else {
            await progress.finish(result: .failure, message: "The job container's shell did not start within \(options.startTimeout) (does the image have /bin/sh?)")
            await uploading.value
            return
        }
        let environment = ShimEnvironment(link: link, root: options.root, nodeBundle: await injectableNode())
        // Cancelling the agent (its process is stopped) cancels the job and stops uploading.
        await withTaskCancellationHandler {
            await taskJob.run(progress: progress, workspace: environment.workspace) { _ in ShimEnvironmentFactory(environment: environment) }
            await uploading.value
        } onCancel: {
            cancellation.cancel(reason: "The agent was stopped")
            uploading.cancel()
        }
        // The job container's shell ends, so the pod completes even before the controller deletes it.
        link.send("exit")
        link.close()
    }

    /// The agent's own node, to inject into job images that lack one; nil (logged) when there is none.
    private func injectableNode() async -> NodeBundle? {
        do {
            return try await NodeBundle.ofRunner(configured: options.node)
        } catch {
            logger.info("the agent has no node to inject into job containers (\(error)): JavaScript actions need node in the job's image")
            return nil
        }
    }

    /// Asks for the job until the controller hands it out (it waits for the pod's services).
    private func fetchJob(_ channel: AgentChannelClient) async throws -> AgentJob {
        let deadline = ContinuousClock.now + options.startTimeout
        var delay: Duration = .milliseconds(250)
        while true {
            do {
                return try await channel.fetchJob()
            } catch AgentChannelClient.Failure.unknownTask {
                throw Failure(description: "the controller at \(options.controllerURL) does not know task \(options.taskID)")
            } catch AgentChannelClient.Failure.refused {
                throw Failure(description: "the controller at \(options.controllerURL) refused this pod's token for task \(options.taskID)")
            } catch {
                if ContinuousClock.now > deadline {
                    throw Failure(description: "no job from the controller at \(options.controllerURL) within \(options.startTimeout): \(error)")
                }
                logger.info("waiting for the controller: \(error)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// The daemon settings a job needs, as the controller sent them.
    static func settings(_ job: AgentJob, root: String) -> DaemonSettings {
        var settings = DaemonSettings(
            version: job.version, address: job.address, runnerName: job.runnerName, jobTimeout: .seconds(job.jobTimeoutSeconds),
            terminationGrace: .seconds(job.terminationGraceSeconds), workdirParent: root, actionCache: "\(root)/_actions",
            environment: job.environment, backends: BackendSelection(labels: [], workdirParent: root))
        if let url = job.cacheURL {
            settings.cacheURL = { _, _ in url }
        }
        return settings
    }
}
