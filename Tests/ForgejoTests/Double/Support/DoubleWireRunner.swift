import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import SwiftProtobuf

/// A registered runner as a test drives it: typed wrappers around the runner RPCs.
struct DoubleWireRunner: Sendable {
    var client: DoubleWireClient
    var credentials: RunnerCredentials

    func declare(labels: [String], version: String = "v-test") async throws -> Runner_V1_DeclareResponse {
        var request = Runner_V1_DeclareRequest()
        request.labels = labels
        request.version = version
        return try await client.call("Declare", request, as: Runner_V1_DeclareResponse.self, credentials: credentials)
    }

    func fetch(version: Int64 = 0, requestKey: String? = nil, capacity: Int64? = nil) async throws -> Runner_V1_FetchTaskResponse {
        var request = Runner_V1_FetchTaskRequest()
        request.tasksVersion = version
        if let capacity { request.taskCapacity = capacity }
        return try await client.call("FetchTask", request, as: Runner_V1_FetchTaskResponse.self,
                                     credentials: credentials, requestKey: requestKey)
    }

    func fetchSingle(version: Int64 = 0, handle: String? = nil, requestKey: String? = nil) async throws -> Runner_V1_FetchSingleTaskResponse {
        var request = Runner_V1_FetchSingleTaskRequest()
        request.tasksVersion = version
        if let handle { request.handle = handle }
        return try await client.call("FetchSingleTask", request, as: Runner_V1_FetchSingleTaskResponse.self,
                                     credentials: credentials, requestKey: requestKey)
    }

    /// Fetches and requires a task.
    func fetchTask() async throws -> Runner_V1_Task {
        let response = try await fetch()
        guard response.hasTask else { throw DoubleTestFailure("expected a task, got none (tasks_version \(response.tasksVersion))") }
        return response.task
    }

    func updateTask(_ state: Runner_V1_TaskState, outputs: [String: String] = [:]) async throws -> Runner_V1_UpdateTaskResponse {
        var request = Runner_V1_UpdateTaskRequest()
        request.state = state
        request.outputs = outputs
        return try await client.call("UpdateTask", request, as: Runner_V1_UpdateTaskResponse.self, credentials: credentials)
    }

    /// A running (or final) state for a task.
    func updateTask(id: Int64, result: Runner_V1_Result = .unspecified, steps: [Runner_V1_StepState] = [],
                    outputs: [String: String] = [:]) async throws -> Runner_V1_UpdateTaskResponse {
        var state = Runner_V1_TaskState()
        state.id = id
        state.result = result
        state.startedAt = Google_Protobuf_Timestamp(date: Date())
        if result != .unspecified { state.stoppedAt = Google_Protobuf_Timestamp(date: Date()) }
        state.steps = steps
        return try await updateTask(state, outputs: outputs)
    }

    func updateLog(taskID: Int64, index: Int64, rows: [String], noMore: Bool = false) async throws -> Int64 {
        var request = Runner_V1_UpdateLogRequest()
        request.taskID = taskID
        request.index = index
        request.noMore = noMore
        request.rows = rows.map { content in
            var row = Runner_V1_LogRow()
            row.time = Google_Protobuf_Timestamp(date: Date())
            row.content = content
            return row
        }
        return try await client.call("UpdateLog", request, as: Runner_V1_UpdateLogResponse.self,
                                     credentials: credentials).ackIndex
    }
}

/// A failed expectation inside a helper.
struct DoubleTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
