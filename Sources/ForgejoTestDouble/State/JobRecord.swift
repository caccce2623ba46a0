import Foundation

/// One job of a run (one matrix combination) as the double stores it.
struct JobRecord: Sendable {
    let id: Int64
    let runID: Int64
    let jobKey: String
    let name: String
    let needs: [String]
    let runsOn: [String]
    var status: ActionStatus
    var handle: String
    var attempt: Int64
    var taskID: Int64?
    let hasCondition: Bool
    let payload: String
    let matrix: [String: String]
    let stepNames: [String]
    /// Forgejo's `updated` column: picking order and the abandoned-job clock.
    var updated: Date
    /// Tie-breaker for jobs updated in the same instant (monotonic).
    var updatedSequence: UInt64
    var started: Date?
    var stopped: Date?

    func snapshot(runNumber: Int64) -> JobSnapshot {
        JobSnapshot(id: JobID(id), runID: runID, runNumber: runNumber, jobKey: jobKey, name: name, needs: needs,
                    runsOn: runsOn, status: status, handle: handle, attempt: attempt, taskID: taskID,
                    hasCondition: hasCondition, workflowPayload: payload, matrix: matrix, stepNames: stepNames)
    }
}
