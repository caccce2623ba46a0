import Foundation

/// Creating runs, emitting jobs whose needs are done, stopping and cancelling.
extension DoubleState {
    /// Inserts a run and its jobs: jobs without `needs` are waiting, the others blocked; the
    /// tasks_version is bumped when at least one job is waiting.
    mutating func insertRun(planned: [PlannedJob], event: String, ref: String, sha: String, workflowFile: String,
                            eventPayload: EventPayloadSource, contextOverrides: [String: String],
                            secrets: [String: String], vars: [String: String], now: Date) throws(DoubleError) -> (runID: Int64, jobs: [JobID]) {
        let payload = switch eventPayload {
        case .json(let text): try EventPayload.parse(json: text)
        case .default:
            EventPayload.makeDefault(event: event, ref: ref, sha: sha, repository: configuration.repository,
                                     actor: configuration.actor, serverURL: serverURL)
        }
        lastRunID += 1
        lastRunNumber += 1
        let run = RunRecord(id: lastRunID, number: lastRunNumber, event: event, ref: ref, sha: sha,
                            workflowFile: workflowFile, eventPayload: payload, contextOverrides: contextOverrides,
                            secrets: secrets, vars: vars, created: now)
        runs[run.id] = run
        var ids: [JobID] = []
        var anyWaiting = false
        for job in planned {
            lastJobID += 1
            let status: ActionStatus = job.needs.isEmpty ? .waiting : .blocked
            anyWaiting = anyWaiting || status == .waiting
            jobs[lastJobID] = JobRecord(
                id: lastJobID, runID: run.id, jobKey: job.jobKey, name: job.name, needs: job.needs, runsOn: job.runsOn,
                status: status, handle: Secrets.uuid(), attempt: 1, taskID: nil, hasCondition: job.hasCondition,
                payload: job.payload, matrix: job.matrix, stepNames: job.stepNames, updated: now,
                updatedSequence: nextSequence(), started: nil, stopped: nil)
            ids.append(JobID(lastJobID))
        }
        if anyWaiting { bumpTasksVersion() }
        return (run.id, ids)
    }

    /// Forgejo's job emitter: a blocked job whose needs are all done becomes waiting when they
    /// all succeeded; otherwise it becomes waiting when it has an `if:` (the runner evaluates it,
    /// e.g. `always()` or `failure()`), else skipped. Repeats until nothing changes.
    mutating func resolveBlockedJobs(runID: Int64, now: Date) {
        var changed = true
        while changed {
            changed = false
            for id in jobs.keys.sorted() {
                guard var job = jobs[id], job.runID == runID, job.status == .blocked else { continue }
                let needed = Set(job.needs.map { $0.lowercased() })
                let dependencies = jobs.values.filter { $0.runID == runID && needed.contains($0.jobKey.lowercased()) }
                guard dependencies.allSatisfy(\.status.isDone) else { continue }
                let allSucceeded = !dependencies.contains { [.failure, .cancelled, .skipped].contains($0.status) }
                if allSucceeded || job.hasCondition {
                    job.status = .waiting
                    job.updated = now
                    job.updatedSequence = nextSequence()
                    bumpTasksVersion()
                } else {
                    job.status = .skipped
                    job.stopped = now
                }
                jobs[id] = job
                changed = true
            }
        }
    }

    /// After a task's final status: emit dependents and delete an ephemeral runner.
    mutating func jobFinished(taskID: Int64, now: Date) {
        guard let task = tasks[taskID] else { return }
        resolveBlockedJobs(runID: task.runID, now: now)
        if let runner = runners[task.runnerID], runner.ephemeral { deleteRunner(id: runner.id) }
    }

    /// Forgejo's `StopTask`: the task and its job get `status`, unfinished steps too; reapers also
    /// finalize the log, a user cancellation does not.
    mutating func stopTask(_ taskID: Int64, status: ActionStatus, finalizeLog: Bool, now: Date) {
        guard var task = tasks[taskID], !task.status.isDone else { return }
        let second = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        task.status = status
        task.stoppedSeconds = Int64(second.timeIntervalSince1970)
        task.updated = now
        for index in task.steps.indices where !task.steps[index].status.isDone {
            task.steps[index].status = status
            if task.steps[index].startedAt == nil { task.steps[index].startedAt = second }
            task.steps[index].stoppedAt = second
        }
        if finalizeLog { task.logFinalized = true }
        tasks[taskID] = task
        if var job = jobs[task.jobID] {
            job.status = status
            job.stopped = now
            job.updated = now
            jobs[job.id] = job
        }
        jobFinished(taskID: taskID, now: now)
    }

    /// Cancels a running task (no log finalization). False when it was already final.
    mutating func cancelTask(_ taskID: Int64, now: Date) throws(DoubleError) -> Bool {
        guard let task = tasks[taskID] else { throw DoubleError(.notFound, "no task with id \(taskID)") }
        guard !task.status.isDone else { return false }
        stopTask(taskID, status: .cancelled, finalizeLog: false, now: now)
        return true
    }

    /// Cancels a job: a waiting/blocked one directly, a running one through its task.
    mutating func cancelJob(_ jobID: Int64, now: Date) throws(DoubleError) -> Bool {
        guard var job = jobs[jobID] else { throw DoubleError(.notFound, "no job with id \(jobID)") }
        if let taskID = job.taskID, job.status == .running { return try cancelTask(taskID, now: now) }
        guard !job.status.isDone else { return false }
        job.status = .cancelled
        job.stopped = now
        job.updated = now
        jobs[jobID] = job
        resolveBlockedJobs(runID: job.runID, now: now)
        return true
    }
}

/// Where a run's event payload comes from.
enum EventPayloadSource: Sendable {
    case `default`
    case json(String)
}
