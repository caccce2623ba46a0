import Foundation

/// Waiting for the double to reach a state, without polling: the condition is checked after every
/// change, and the wait fails with `DoubleError.timeout` after `timeout`.
extension ForgejoDouble {
    /// Waits until `condition` returns a value for the current snapshot and returns that value.
    /// `condition` runs on the thread that changed the state; it must not call the double.
    public func wait<T: Sendable>(timeout: Duration = .seconds(30), for description: String = "a condition",
                                  until condition: @escaping @Sendable (DoubleSnapshot) -> T?) async throws -> T {
        let id = waiters.makeID()
        let registry = waiters
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
            } catch {
                return
            }
            registry.expire(id, with: DoubleError(.timeout, "timed out after \(timeout) waiting for \(description)"))
        }
        defer {
            timer.cancel()
            registry.finish(id)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let entry = WaiterRegistry.Entry(
                    check: { snapshot in
                        guard let value = condition(snapshot) else { return nil }
                        return { continuation.resume(returning: value) }
                    },
                    fail: { continuation.resume(throwing: $0) })
                registry.register(id, entry, snapshot: self.snapshot)
            }
        } onCancel: {
            registry.expire(id, with: CancellationError())
        }
    }

    /// Waits for a task: the one with `id` (any task when nil, the lowest id first) that has
    /// `status` (any status when nil).
    public func waitForTask(_ id: Int64? = nil, status: ActionStatus? = nil,
                            timeout: Duration = .seconds(30)) async throws -> TaskSnapshot {
        let what = "task \(id.map(String.init) ?? "(any)") with status \(status.map(\.description) ?? "(any)")"
        return try await waitForTask(timeout: timeout, description: what) { task in
            (id == nil || task.id == id) && (status == nil || task.status == status)
        }
    }

    /// Waits for the first task (lowest id) that satisfies `predicate`.
    public func waitForTask(timeout: Duration = .seconds(30), description: String = "a matching task",
                            where predicate: @escaping @Sendable (TaskSnapshot) -> Bool) async throws -> TaskSnapshot {
        try await wait(timeout: timeout, for: description) { snapshot in snapshot.tasks.first(where: predicate) }
    }

    /// Waits until the task is final (any result).
    public func waitForTaskFinished(_ id: Int64, timeout: Duration = .seconds(30)) async throws -> TaskSnapshot {
        try await waitForTask(timeout: timeout, description: "task \(id) to finish") { $0.id == id && $0.status.isDone }
    }

    /// Waits until the task's log is finalized (`no_more` or a reaper).
    public func waitForLogFinalized(taskID: Int64, timeout: Duration = .seconds(30)) async throws -> TaskSnapshot {
        try await waitForTask(timeout: timeout, description: "the log of task \(taskID) to be finalized") {
            $0.id == taskID && $0.logFinalized
        }
    }

    /// Waits until the job has `status`.
    public func waitForJob(_ id: JobID, status: ActionStatus, timeout: Duration = .seconds(30)) async throws -> JobSnapshot {
        try await wait(timeout: timeout, for: "job \(id) with status \(status)") { snapshot in
            snapshot.job(id).flatMap { $0.status == status ? $0 : nil }
        }
    }

    /// Waits until every listed job is final and returns them.
    public func waitForJobsFinished(_ ids: [JobID], timeout: Duration = .seconds(60)) async throws -> [JobSnapshot] {
        try await wait(timeout: timeout, for: "jobs \(ids) to finish") { snapshot in
            let jobs = ids.compactMap { snapshot.job($0) }
            return jobs.count == ids.count && jobs.allSatisfy(\.status.isDone) ? jobs : nil
        }
    }

    /// Waits until a runner with this name is registered.
    public func waitForRunner(named name: String, timeout: Duration = .seconds(30)) async throws -> RunnerSnapshot {
        try await wait(timeout: timeout, for: "runner \(name)") { snapshot in
            snapshot.runners.first { $0.name == name }
        }
    }
}
