import Foundation

/// One task (execution attempt of a job) as the double stores it.
struct TaskRecord: Sendable {
    let id: Int64
    let jobID: Int64
    let runID: Int64
    let runnerID: Int64
    let attempt: Int64
    var status: ActionStatus
    let started: Date
    /// Seconds of the final `stopped_at` (0 = unset), as Forgejo stores it.
    var stoppedSeconds: Int64 = 0
    var updated: Date
    var token: String
    var runtimeToken: String
    let requestKey: String?
    var steps: [TaskStep]
    var outputKeys: [String] = []
    var outputs: [String: String] = [:]
    var logRows: [LogRow] = []
    var logFinalized = false

    func snapshot() -> TaskSnapshot {
        TaskSnapshot(id: id, jobID: JobID(jobID), runID: runID, runnerID: runnerID, attempt: attempt, status: status,
                     startedAt: started,
                     stoppedAt: stoppedSeconds == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(stoppedSeconds)),
                     updatedAt: updated, token: token, requestKey: requestKey, steps: steps, outputs: outputs,
                     outputKeys: outputKeys, logRows: logRows, logFinalized: logFinalized)
    }
}
