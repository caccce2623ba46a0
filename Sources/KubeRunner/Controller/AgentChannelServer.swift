import Cache
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The controller's HTTP endpoint that job-pod agents dial: `GET …/tasks/ID/job` hands out the
/// job once the pod's services are ready (long poll), `POST …/tasks/ID/records` takes records
/// and answers with an acknowledgement. Binds `::` by default (dual-stack); every request carries
/// the task's agent token.
public final class AgentChannelServer: Sendable {
    private let sessions: TaskSessions
    private let tokens: AgentTokens
    /// Makes a session for a task this controller does not know (a pod it re-adopts after a
    /// restart); nil: unknown task.
    private let adopt: @Sendable (Int64) -> TaskSession?
    private let logger: Logger
    private let running = Mutex<(task: Task<Void, any Error>, group: ServiceGroup)?>(nil)

    public init(sessions: TaskSessions, tokens: AgentTokens, logger: Logger, adopt: @escaping @Sendable (Int64) -> TaskSession?) {
        self.sessions = sessions
        self.tokens = tokens
        self.logger = logger
        self.adopt = adopt
    }

    /// Listens on `host:port` (port 0: any free one) and returns the bound port.
    public func start(host: String, port: Int) async throws -> Int {
        let router = Router()
        router.get("/hearth/agent/v1/tasks/:task/job") { [self] request, context -> Response in
            try await job(request, context)
        }
        router.post("/hearth/agent/v1/tasks/:task/records") { [self] request, context -> Response in
            try await records(request, context)
        }
        router.get("/hearth/agent/v1/healthz") { _, _ in "ok\n" }
        var quiet = logger
        quiet.logLevel = .warning
        let bound = BindSignal()
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hearth-controller", reuseAddress: true),
            onServerRunning: { channel in
                bound.succeed(channel.localAddress?.port ?? port)
            }, logger: quiet)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: quiet))
        let task = Task {
                do {
                    try await group.run()
                    bound.fail(ChannelFailure(description: "the agent channel stopped before it started"))
                } catch {
                    bound.fail(ChannelFailure(description: "cannot listen on \(host):\(port): \(error)"))
                    throw error
                }
            }
        running.withLock { $0 = (task, group) }
        return try await bound.wait()
    }

    /// Stops accepting, closes connections and waits for the server to end.
    public func stop() async {
        guard let (task, group) = running.withLock({ value in defer { value = nil }; return value }) else { return }
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    struct ChannelFailure: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: - Routes

    private func authorise(_ request: Request, _ context: BasicRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("task"), let taskID = Int64(text) else {
            throw HTTPError(.badRequest, message: "bad task id")
        }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), tokens.accepts(String(header.dropFirst(7)), forTask: taskID) else {
            logger.warning("agent channel: refused a request for task \(taskID) with a wrong token")
            throw HTTPError(.unauthorized, message: "wrong token for this task")
        }
        return taskID
    }

    private func job(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let taskID = try authorise(request, context)
        guard let session = sessions.session(taskID), let job = session.job else {
            throw HTTPError(.notFound, message: "no job waits for task \(taskID)")
        }
        guard await session.waitUntilReady(timeout: .seconds(20)) else {
            throw HTTPError(.serviceUnavailable, message: "the pod's services are not ready yet")
        }
        session.noteJobFetched()
        return try json(job)
    }

    private func records(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let taskID = try authorise(request, context)
        let body = try await request.body.collect(upTo: 64 << 20)
        let upload: AgentUpload
        do {
            upload = try JSONDecoder().decode(AgentUpload.self, from: Data(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: "unreadable records: \(error)")
        }
        guard let session = sessions.session(taskID, orAdd: { adopt(taskID) }) else {
            throw HTTPError(.notFound, message: "task \(taskID) is not known here")
        }
        return try json(session.apply(upload))
    }

    private func json(_ value: some Encodable) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
