import ForgejoProtocol
import Foundation
import SwiftProtobuf

/// The handlers of `runner.v1.RunnerService` and `ping.v1.PingService`, following Forgejo's
/// `routers/api/actions/runner` (§3.2–§3.8).
extension DoubleState {
    // MARK: - Ping, interceptor

    static func ping(_ request: Ping_V1_PingRequest) -> Ping_V1_PingResponse {
        var response = Ping_V1_PingResponse()
        response.data = "Hello, \(request.data)!"
        return response
    }

    /// The auth interceptor (§3.3): looks the runner up by UUID, checks the token in constant
    /// time, and records `last_online` (and `last_active` for UpdateTask/UpdateLog).
    mutating func authenticate(uuid: String, token: String, procedure: Procedure, now: Date) throws(RPCError) -> Int64 {
        guard !uuid.isEmpty, let id = runnerIDsByUUID[uuid], var runner = runners[id] else {
            throw RPCError.unregisteredRunner
        }
        guard Secrets.constantTimeEquals(runner.token, token) else { throw RPCError.unregisteredRunner }
        runner.lastOnline = now
        if procedure.marksActive { runner.lastActive = now }
        runners[id] = runner
        return id
    }

    // MARK: - Register, Declare

    mutating func register(_ request: Runner_V1_RegisterRequest) throws(RPCError) -> Runner_V1_RegisterResponse {
        guard !request.token.isEmpty, !request.name.isEmpty else {
            throw RPCError(.invalidArgument, "missing runner token, name")
        }
        guard let active = registrationTokens[request.token] else {
            throw RPCError(.invalidArgument, "runner registration token not found")
        }
        guard active else {
            throw RPCError(.invalidArgument, "runner registration token has been invalidated, please use the latest one")
        }
        let runner = addRunner(uuid: Secrets.uuid(), token: Secrets.token(), name: request.name,
                               version: request.version, labels: request.labels, ephemeral: request.ephemeral)
        var response = Runner_V1_RegisterResponse()
        response.runner = Self.message(for: runner, includeToken: true)
        return response
    }

    mutating func declare(runnerID: Int64, _ request: Runner_V1_DeclareRequest) throws(RPCError) -> Runner_V1_DeclareResponse {
        guard var runner = runners[runnerID] else { throw RPCError.unregisteredRunner }
        runner.labels = request.labels
        runner.version = request.version
        runner.declareCount += 1
        runners[runnerID] = runner
        var response = Runner_V1_DeclareResponse()
        response.runner = Self.message(for: runner, includeToken: false)
        return response
    }

    static func message(for runner: RunnerRecord, includeToken: Bool) -> Runner_V1_Runner {
        var message = Runner_V1_Runner()
        message.id = runner.id
        message.uuid = runner.uuid
        if includeToken { message.token = runner.token }
        message.name = runner.name
        message.version = runner.version
        message.labels = runner.labels
        message.ephemeral = runner.ephemeral
        return message
    }

    // MARK: - FetchTask, FetchSingleTask

    /// Request-key recovery → tasks_version check → pick (§3.4).
    mutating func fetch(runnerID: Int64, requestKey: String?, tasksVersion requested: Int64, capacity: Int,
                        handle: String?, single: Bool, now: Date) throws(RPCError) -> (tasks: [Runner_V1_Task], version: Int64) {
        let key = configuration.giteaMode ? nil : requestKey.flatMap { $0.isEmpty ? nil : $0 }
        if let key {
            let recovered = tasks.values.filter { $0.runnerID == runnerID && $0.requestKey == key }.map(\.id).sorted()
            if !recovered.isEmpty {
                if single && recovered.count > 1 {
                    throw RPCError(.internal, "cannot recover \(recovered.count) tasks because runner requested only one")
                }
                var messages: [Runner_V1_Task] = []
                for id in recovered {
                    guard var task = tasks[id] else { continue }
                    // Only hashes are stored, so a recovered task gets fresh tokens.
                    task.token = Secrets.token()
                    task.runtimeToken = RuntimeToken.make(taskID: task.id, runID: task.runID, jobID: task.jobID, now: now)
                    tasks[id] = task
                    messages.append(taskMessage(id))
                }
                return (messages, 0)
            }
        }

        if tasksVersion == 0 { tasksVersion = 1 }
        let current = tasksVersion
        if requested == current { return ([], current) }

        pickQueries += 1
        guard let runner = runners[runnerID] else { throw RPCError.unregisteredRunner }
        if runner.ephemeral && tasks.values.contains(where: { $0.runnerID == runnerID }) { return ([], current) }
        let limit = runner.ephemeral || single ? 1 : max(1, capacity)
        let candidates = jobs.values
            .filter { $0.status == .waiting && $0.taskID == nil }
            .sorted { ($0.updated, $0.updatedSequence, $0.id) < ($1.updated, $1.updatedSequence, $1.id) }
        var messages: [Runner_V1_Task] = []
        for job in candidates where messages.count < limit {
            guard !job.runsOn.isEmpty, job.runsOn.allSatisfy(runner.labels.contains) else { continue }
            if let handle, !handle.isEmpty, job.handle != handle { continue }
            let taskID = createTask(for: job.id, runnerID: runnerID, requestKey: key, now: now)
            messages.append(taskMessage(taskID))
        }
        return (messages, current)
    }

    /// Inserts a running task for a waiting job and binds the job to it.
    private mutating func createTask(for jobID: Int64, runnerID: Int64, requestKey: String?, now: Date) -> Int64 {
        guard var job = jobs[jobID] else { return 0 }
        lastTaskID += 1
        let task = TaskRecord(
            id: lastTaskID, jobID: job.id, runID: job.runID, runnerID: runnerID, attempt: job.attempt, status: .running,
            started: now, updated: now, token: Secrets.token(),
            runtimeToken: RuntimeToken.make(taskID: lastTaskID, runID: job.runID, jobID: job.id, now: now),
            requestKey: requestKey,
            steps: job.stepNames.enumerated().map { TaskStep(index: $0.offset, name: $0.element) })
        tasks[task.id] = task
        job.status = .running
        job.taskID = task.id
        job.started = now
        job.updated = now
        job.updatedSequence = nextSequence()
        jobs[jobID] = job
        return task.id
    }

    // MARK: - UpdateTask

    /// §3.8 steps 1–8.
    mutating func updateTask(runnerID: Int64, _ request: Runner_V1_UpdateTaskRequest, now: Date) throws(RPCError) -> Runner_V1_UpdateTaskResponse {
        let state = request.state
        guard var task = tasks[state.id] else {
            throw RPCError(.internal, "update task: task with id \(state.id): resource does not exist")
        }
        guard task.runnerID == runnerID else { throw RPCError(.internal, "update task: invalid runner for task") }

        var finished: ActionStatus?
        if !task.status.isDone {
            if let result = ActionStatus(result: state.result) {
                task.status = result
                task.stoppedSeconds = state.hasStoppedAt ? state.stoppedAt.seconds : 0
                finished = result
            }
            task.updated = now
            for index in task.steps.indices {
                guard let step = state.steps.first(where: { $0.id == Int64(index) }) else { continue }
                task.steps[index].logIndex = step.logIndex
                task.steps[index].logLength = step.logLength
                task.steps[index].startedAt = Self.storedTime(step.hasStartedAt ? step.startedAt : nil)
                task.steps[index].stoppedAt = Self.storedTime(step.hasStoppedAt ? step.stoppedAt : nil)
                if let result = ActionStatus(result: step.result) {
                    task.steps[index].status = result
                } else if task.steps[index].startedAt != nil {
                    task.steps[index].status = .running
                }
            }
        }
        for key in request.outputs.keys.sorted() {
            guard let value = request.outputs[key] else { continue }
            guard key.utf8.count <= 255, value.utf8.count <= 1 << 20 else { continue }
            guard task.outputs[key] == nil else { continue }
            task.outputs[key] = value
            task.outputKeys.append(key)
        }
        tasks[task.id] = task

        if let finished {
            if var job = jobs[task.jobID] {
                job.status = finished
                job.stopped = task.stoppedSeconds == 0 ? now : Date(timeIntervalSince1970: TimeInterval(task.stoppedSeconds))
                job.updated = now
                jobs[job.id] = job
            }
            bumpTasksVersion()
            jobFinished(taskID: task.id, now: now)
        }

        var response = Runner_V1_UpdateTaskResponse()
        var reply = Runner_V1_TaskState()
        reply.id = task.id
        reply.result = (tasks[task.id]?.status ?? task.status).result
        response.state = reply
        response.sentOutputs = task.outputKeys
        return response
    }

    /// Forgejo stores whole seconds; an unset or zero timestamp is stored as 0 (nil here).
    static func storedTime(_ timestamp: Google_Protobuf_Timestamp?) -> Date? {
        guard let timestamp, timestamp.seconds != 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timestamp.seconds))
    }

    // MARK: - UpdateLog

    /// §3.7, exactly.
    mutating func updateLog(runnerID: Int64, _ request: Runner_V1_UpdateLogRequest) throws(RPCError) -> Runner_V1_UpdateLogResponse {
        guard var task = tasks[request.taskID] else {
            throw RPCError(.internal, "get task: task with id \(request.taskID): resource does not exist")
        }
        guard task.runnerID == runnerID else { throw RPCError(.internal, "invalid runner for task") }
        let ack = Int64(task.logRows.count)
        var response = Runner_V1_UpdateLogResponse()
        let count = Int64(request.rows.count)
        if request.rows.isEmpty || request.index > ack || request.index + count <= ack {
            response.ackIndex = ack
            return response
        }
        if task.logFinalized { throw RPCError(.alreadyExists, "log file has been archived") }
        for row in request.rows[Int(ack - request.index)...] {
            task.logRows.append(LogRow(seconds: row.time.seconds, nanos: row.time.nanos,
                                       content: LogRow.storedContent(row.content)))
        }
        if request.noMore { task.logFinalized = true }
        tasks[task.id] = task
        response.ackIndex = Int64(task.logRows.count)
        return response
    }
}
