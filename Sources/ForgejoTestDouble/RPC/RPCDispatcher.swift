import ForgejoProtocol
import Foundation
import SwiftProtobuf

/// The metadata of a call the handlers look at.
struct RPCHeaders: Sendable {
    var runnerUUID: String = ""
    var runnerToken: String = ""
    var requestKey: String = ""
}

/// Decoding, authentication and dispatch of one unary call.
extension ForgejoDouble {
    /// Handles one call: decode (errors are connect-go's own, so never Gitea-wrapped) → auth
    /// interceptor → handler → encode.
    func handle(_ procedure: Procedure, codec: ConnectCodec, body: Data, headers: RPCHeaders,
                now: Date = Date()) -> Result<Data, RPCError> {
        do {
            let data: Data = switch procedure {
            case .ping:
                try run(procedure, codec, body, Ping_V1_PingRequest.self, headers, now) { _, request, _ throws(RPCError) in
                    DoubleState.ping(request)
                }
            case .register:
                try run(procedure, codec, body, Runner_V1_RegisterRequest.self, headers, now) { state, request, _ throws(RPCError) in
                    try state.register(request)
                }
            case .declare:
                try run(procedure, codec, body, Runner_V1_DeclareRequest.self, headers, now) { state, request, runner throws(RPCError) in
                    try state.declare(runnerID: runner, request)
                }
            case .fetchTask:
                try run(procedure, codec, body, Runner_V1_FetchTaskRequest.self, headers, now) { state, request, runner throws(RPCError) in
                    let giteaMode = state.configuration.giteaMode
                    let capacity = !giteaMode && request.hasTaskCapacity ? Int(clamping: request.taskCapacity) : 1
                    let (tasks, version) = try state.fetch(runnerID: runner, requestKey: headers.requestKey,
                                                           tasksVersion: request.tasksVersion, capacity: capacity,
                                                           handle: nil, single: false, now: now)
                    var response = Runner_V1_FetchTaskResponse()
                    response.tasksVersion = version
                    if let first = tasks.first {
                        response.task = first
                        response.additionalTasks = Array(tasks.dropFirst())
                    }
                    return response
                }
            case .fetchSingleTask:
                try run(procedure, codec, body, Runner_V1_FetchSingleTaskRequest.self, headers, now) { state, request, runner throws(RPCError) in
                    let (tasks, version) = try state.fetch(runnerID: runner, requestKey: headers.requestKey,
                                                           tasksVersion: request.tasksVersion, capacity: 1,
                                                           handle: request.hasHandle ? request.handle : nil,
                                                           single: true, now: now)
                    var response = Runner_V1_FetchSingleTaskResponse()
                    response.tasksVersion = version
                    if let first = tasks.first { response.task = first }
                    return response
                }
            case .updateTask:
                try run(procedure, codec, body, Runner_V1_UpdateTaskRequest.self, headers, now) { state, request, runner throws(RPCError) in
                    try state.updateTask(runnerID: runner, request, now: now)
                }
            case .updateLog:
                try run(procedure, codec, body, Runner_V1_UpdateLogRequest.self, headers, now) { state, request, runner throws(RPCError) in
                    try state.updateLog(runnerID: runner, request)
                }
            }
            return .success(data)
        } catch {
            return .failure(error)
        }
    }

    /// Decodes the request, then — under the state lock — authenticates (unless the procedure is
    /// open) and runs the handler; handler and auth errors are Gitea-wrapped in Gitea mode.
    private func run<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ procedure: Procedure, _ codec: ConnectCodec, _ body: Data, _ type: Request.Type, _ headers: RPCHeaders,
        _ now: Date, _ handler: (inout DoubleState, Request, Int64) throws(RPCError) -> Response
    ) throws(RPCError) -> Data {
        let request = try codec.decode(type, from: body)
        let giteaMode = configuration.giteaMode
        let response: Response = try mutate { (state) throws(RPCError) -> Response in
            state.callCounts[procedure.method, default: 0] += 1
            do throws(RPCError) {
                let runnerID = procedure.needsAuthentication
                    ? try state.authenticate(uuid: headers.runnerUUID, token: headers.runnerToken, procedure: procedure, now: now)
                    : 0
                return try handler(&state, request, runnerID)
            } catch {
                throw giteaMode ? error.giteaStyle : error
            }
        }
        return try codec.encode(response)
    }
}
