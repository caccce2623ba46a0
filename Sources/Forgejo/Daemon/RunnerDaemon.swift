import Engine
import Foundation
import ForgejoProtocol
import Logging
import Synchronization

/// The Forgejo runner daemon: declares itself, fetches tasks (`tasks_version`, request keys,
/// `fetch_interval`, `fetch_timeout`, `capacity`), runs each task, and on shutdown stops fetching,
/// lets running tasks finish for `shutdown_timeout`, then cancels and reports them.
///
/// A failing or restarting server never stops it: fetch errors are logged and retried at the next
/// interval; only refused credentials stop the connection, with one clear log line.
public final class RunnerDaemon: Sendable {
    public let settings: DaemonSettings
    private let client: RunnerClient
    private let metrics: RunnerMetrics
    private let readiness: Readiness
    private let logger: Logger
    private let running = RunningTasks()

    public init(settings: DaemonSettings, client: RunnerClient, metrics: RunnerMetrics, readiness: Readiness, logger: Logger) {
        self.settings = settings
        self.client = client
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    public struct StartupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs until `shutdown` is cancelled (SIGTERM) and every task has ended.
    public func run(shutdown: CancellationSignal) async throws {
        try await declare(shutdown: shutdown)
        readiness.set(ready: true, reason: "fetching tasks from \(settings.address)")
        logger.info("hearth \(settings.version) runner '\(settings.runnerName)' fetching tasks from \(settings.address) (capacity \(settings.capacity))")

        await withDiscardingTaskGroup { group in
            await poll(shutdown: shutdown) { task in
                let signal = CancellationSignal()
                running.add(task.id, signal)
                group.addTask {
                    if let executor = self.settings.executor {
                        self.metrics.taskStarted(taskID: task.id)
                        let result = await executor.execute(task: task, client: self.client, cancellation: signal)
                        self.metrics.taskFinished(taskID: task.id, result: result.rawValue)
                    } else {
                        await TaskExecution(
                            task: task, settings: self.settings, client: self.client, metrics: self.metrics, logger: self.logger,
                            cancellation: signal
                        ).run()
                    }
                    self.running.remove(task.id)
                }
            }
            await drain()
        }
        logger.info("hearth stopped")
    }

    /// Declare: labels and version. Transient failures are retried; refused credentials and an
    /// invalid request stop start-up; servers without Declare (too old) are tolerated.
    private func declare(shutdown: CancellationSignal) async throws {
        var delay: Duration = .seconds(1)
        while true {
            do {
                _ = try await client.declare(version: settings.version, labels: RunnerLabel.names(of: settings.backends.labels))
                return
            } catch {
                if ConnectError.code(of: error) == .unimplemented {
                    logger.warning("the server does not know Declare (Gitea < 1.20 / Forgejo < 1.21); continuing without it")
                    return
                }
                if ConnectError.meansCredentialsGone(error) {
                    readiness.set(ready: false, reason: "credentials refused")
                    throw StartupError(description: "\(settings.address) refused this runner's credentials (\(error)); register it again (hearth register)")
                }
                guard ConnectError.isRetryable(error) else {
                    throw StartupError(description: "declaring the runner to \(settings.address) failed: \(error)")
                }
                readiness.set(ready: false, reason: "cannot reach \(settings.address): \(error)")
                logger.warning("cannot reach \(settings.address) (\(error)); retrying in \(delay)")
                if await shutdown.sleep(for: delay) { throw StartupError(description: "stopped before the server answered") }
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// The fetch loop; `launch` starts a task. Returns when shutting down or when the credentials
    /// were refused.
    private func poll(shutdown: CancellationSignal, launch: (Runner_V1_Task) -> Void) async {
        var tasksVersion: Int64 = 0
        var keys = RequestKeyRotation()
        while !shutdown.isCancelled {
            let free = settings.capacity - running.count
            if free > 0 {
                let started = ContinuousClock.now
                do {
                    let reply = try await client.fetchTask(
                        tasksVersion: tasksVersion, capacity: free, requestKey: keys.current, timeout: settings.fetchTimeout)
                    keys.succeeded()
                    metrics.fetched(duration: .now - started)
                    if reply.tasksVersion > tasksVersion { tasksVersion = reply.tasksVersion }
                    let tasks = (reply.hasTask ? [reply.task] : []) + reply.additionalTasks
                    if !tasks.isEmpty { tasksVersion = 0 }
                    for task in tasks {
                        logger.info("task \(task.id) received")
                        launch(task)
                    }
                    readiness.set(ready: true, reason: "fetching tasks from \(settings.address)")
                } catch {
                    keys.failed()
                    if ConnectError.isDeadline(error) {
                        // A fetch that outlived fetch_timeout means "no task".
                    } else if ConnectError.meansCredentialsGone(error) {
                        logger.error("\(settings.address) refused this runner's credentials (\(error)); no more tasks are fetched from it. Register the runner again.")
                        readiness.set(ready: false, reason: "credentials refused by \(settings.address)")
                        return
                    } else {
                        metrics.fetchFailed()
                        readiness.set(ready: false, reason: "fetching from \(settings.address) failed: \(error)")
                        logger.warning("fetching a task failed: \(error)")
                    }
                }
            }
            if await shutdown.sleep(for: settings.fetchInterval) { break }
        }
    }

    /// After fetching stopped: running tasks get `shutdown_timeout` to finish, then are cancelled
    /// (their cancel sequence runs and they report), and this waits until all have ended.
    private func drain() async {
        guard running.count > 0 else { return }
        logger.info("waiting up to \(settings.shutdownTimeout) for \(running.count) running task(s)")
        if await !running.waitUntilEmpty(timeout: settings.shutdownTimeout) {
            logger.info("cancelling \(running.count) running task(s)")
            running.cancelAll(reason: "The runner is shutting down")
            _ = await running.waitUntilEmpty(timeout: nil)
        }
    }
}

/// The tasks in progress and their cancellation signals.
final class RunningTasks: Sendable {
    private struct State {
        var tasks: [Int64: CancellationSignal] = [:]
        var waiters: [ResumeOnce] = []
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.tasks.count } }

    func add(_ id: Int64, _ signal: CancellationSignal) {
        state.withLock { $0.tasks[id] = signal }
    }

    func remove(_ id: Int64) {
        let waiters = state.withLock { state -> [ResumeOnce] in
            state.tasks.removeValue(forKey: id)
            guard state.tasks.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(true) }
    }

    func cancelAll(reason: String) {
        for signal in state.withLock({ Array($0.tasks.values) }) { signal.cancel(reason: reason) }
    }

    /// True when every task ended within `timeout` (nil: no limit).
    func waitUntilEmpty(timeout: Duration?) async -> Bool {
        await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let empty = state.withLock { state -> Bool in
                if state.tasks.isEmpty { return true }
                state.waiters.append(once)
                return false
            }
            if empty { once.resume(true); return }
            if let timeout {
                Task {
                    try? await Task.sleep(for: timeout)
                    once.resume(false)
                }
            }
        }
    }
}

/// A continuation that is resumed by whichever comes first.
final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ value: Bool) {
        continuation.withLock { stored in
            stored?.resume(returning: value)
            stored = nil
        }
    }
}

extension CancellationSignal {
    /// Sleeps for `duration` or until cancelled; true when cancelled.
    func sleep(for duration: Duration) async -> Bool {
        if isCancelled { return true }
        let woken = OnceFlag()
        let sleeper = Task { try? await Task.sleep(for: duration) }
        let token = onCancel { _ in
            woken.set()
            sleeper.cancel()
        }
        await sleeper.value
        remove(token)
        return woken.isSet || isCancelled
    }
}
