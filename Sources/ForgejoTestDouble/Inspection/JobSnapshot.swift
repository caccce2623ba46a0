import Foundation

/// A copy of one job of a run (one matrix combination).
public struct JobSnapshot: Sendable, Encodable {
    public var id: JobID
    public var runID: Int64
    /// The per-repository run index (`run_number`).
    public var runNumber: Int64
    /// The job id of the workflow (the key under `jobs:`); matrix jobs share it.
    public var jobKey: String
    /// The display name (`build (linux, 20)`).
    public var name: String
    /// `needs:` (job keys).
    public var needs: [String]
    /// The evaluated `runs-on` label names.
    public var runsOn: [String]
    public var status: ActionStatus
    /// The per-attempt handle (a UUID) a runner may ask for with FetchSingleTask.
    public var handle: String
    public var attempt: Int64
    /// The task running or that ran the job, if any.
    public var taskID: Int64?
    /// True when the job has an `if:` (then it becomes waiting even when a need failed).
    public var hasCondition: Bool
    /// The single-job workflow YAML sent as `workflow_payload`.
    public var workflowPayload: String
    /// The matrix combination (vector name → value as text); empty without a matrix.
    public var matrix: [String: String]
    /// The step names the server derives from the job's `steps:`.
    public var stepNames: [String]

    private enum CodingKeys: String, CodingKey {
        case id, runID = "run_id", runNumber = "run_number", jobKey = "job_key", name, needs, runsOn = "runs_on"
        case status, handle, attempt, taskID = "task_id", hasCondition = "has_condition"
        case workflowPayload = "workflow_payload", matrix, stepNames = "step_names"
    }
}
