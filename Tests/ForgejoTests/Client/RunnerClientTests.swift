import Forgejo
import ForgejoProtocol
import Foundation
import SwiftProtobuf
import Testing

/// A canned runner API: answers each procedure from the request it got.
private func runnerAPI(_ request: ClientTestHTTPServer.Request) -> ClientTestHTTPServer.Reply {
    func reply(_ message: some SwiftProtobuf.Message) -> ClientTestHTTPServer.Reply {
        (try? message.serializedBytes()).map { .proto($0) } ?? .close
    }
    let procedure = request.path.replacingOccurrences(of: "/api/actions/", with: "")
    switch procedure {
    case RunnerClient.Procedure.ping:
        guard let ping = try? Ping_V1_PingRequest(serializedBytes: request.body) else { return .close }
        var answer = Ping_V1_PingResponse()
        answer.data = "Hello, \(ping.data)!"
        return reply(answer)
    case RunnerClient.Procedure.register:
        guard let register = try? Runner_V1_RegisterRequest(serializedBytes: request.body) else { return .close }
        guard register.token == "good-token" else {
            return .json(status: 400, #"{"code":"invalid_argument","message":"runner registration token not found"}"#)
        }
        var answer = Runner_V1_RegisterResponse()
        answer.runner.id = 12
        answer.runner.uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
        answer.runner.token = "0123456789abcdef0123456789abcdef01234567"
        answer.runner.name = register.name
        answer.runner.labels = register.labels
        answer.runner.version = register.version
        answer.runner.ephemeral = register.ephemeral
        return reply(answer)
    case RunnerClient.Procedure.declare:
        guard request.header("x-runner-token") == "runner-token" else {
            return .json(status: 401, #"{"code":"unauthenticated","message":"unregistered runner"}"#)
        }
        guard let declare = try? Runner_V1_DeclareRequest(serializedBytes: request.body) else { return .close }
        var answer = Runner_V1_DeclareResponse()
        answer.runner.labels = declare.labels
        answer.runner.version = declare.version
        return reply(answer)
    case RunnerClient.Procedure.fetchTask:
        guard let fetch = try? Runner_V1_FetchTaskRequest(serializedBytes: request.body) else { return .close }
        var answer = Runner_V1_FetchTaskResponse()
        answer.tasksVersion = fetch.tasksVersion + 1
        if fetch.hasTaskCapacity { answer.task.id = fetch.taskCapacity }
        return reply(answer)
    case RunnerClient.Procedure.fetchSingleTask:
        guard let fetch = try? Runner_V1_FetchSingleTaskRequest(serializedBytes: request.body) else { return .close }
        var answer = Runner_V1_FetchSingleTaskResponse()
        answer.tasksVersion = 5
        if fetch.hasHandle { answer.task.id = 99 }
        return reply(answer)
    case RunnerClient.Procedure.updateTask:
        guard let update = try? Runner_V1_UpdateTaskRequest(serializedBytes: request.body) else { return .close }
        var answer = Runner_V1_UpdateTaskResponse()
        answer.state.id = update.state.id
        answer.state.result = .cancelled
        answer.sentOutputs = update.outputs.keys.sorted()
        return reply(answer)
    case RunnerClient.Procedure.updateLog:
        guard let update = try? Runner_V1_UpdateLogRequest(serializedBytes: request.body) else { return .close }
        var answer = Runner_V1_UpdateLogResponse()
        answer.ackIndex = update.index + Int64(update.rows.count) + (update.noMore ? 1000 : 0)
        return reply(answer)
    default:
        return .respond(status: 404, headers: [], body: Array("404 page not found".utf8))
    }
}

@Suite("Runner client")
struct RunnerClientTests {
    private func withClient(
        uuid: String? = "uuid", token: String? = "runner-token",
        _ body: (RunnerClient, ClientTestHTTPServer) async throws -> Void
    ) async throws {
        let server = try ClientTestHTTPServer { runnerAPI($0) }
        defer { server.stop() }
        let connection = try ConnectClient(address: server.address, uuid: uuid, token: token, environment: [:])
        do {
            try await body(RunnerClient(connection: connection), server)
        } catch {
            try await connection.shutdown()
            throw error
        }
        try await connection.shutdown()
    }

    @Test func ping() async throws {
        try await withClient(uuid: nil, token: nil) { client, _ in
            let answer = try await client.ping("hearth")
            #expect(answer == "Hello, hearth!")
        }
    }

    @Test("register sends names in labels and agent_labels, no auth headers")
    func register() async throws {
        try await withClient(uuid: nil, token: nil) { client, server in
            let runner = try await client.register(name: "r1", token: "good-token", version: "v1.0",
                                                   labels: ["docker", "ubuntu-latest"], ephemeral: true)
            #expect(runner.id == 12)
            #expect(runner.ephemeral)
            let seen = try #require(server.requests.last)
            #expect(seen.header("x-runner-uuid") == nil)
            let sent = try Runner_V1_RegisterRequest(serializedBytes: seen.body)
            #expect(sent.labels == ["docker", "ubuntu-latest"])
            #expect(sent.agentLabels == ["docker", "ubuntu-latest"])
            #expect(sent.version == "v1.0")
            #expect(sent.name == "r1")
        }
    }

    @Test func declare() async throws {
        try await withClient { client, _ in
            let runner = try await client.declare(version: "v2", labels: ["a", "b"])
            #expect(runner.labels == ["a", "b"])
            #expect(runner.version == "v2")
        }
    }

    @Test("declare with a deleted runner reports credentials gone")
    func declareUnauthenticated() async throws {
        try await withClient(token: "stale") { client, _ in
            do {
                _ = try await client.declare(version: "v2", labels: [])
                Issue.record("expected unauthenticated")
            } catch {
                #expect(ConnectError.meansCredentialsGone(error))
            }
        }
    }

    @Test("fetchTask: version, optional capacity, request key and timeout")
    func fetchTask() async throws {
        try await withClient { client, server in
            let plain = try await client.fetchTask(tasksVersion: 4)
            #expect(plain.tasksVersion == 5)
            #expect(!plain.hasTask)
            let sentPlain = try Runner_V1_FetchTaskRequest(serializedBytes: try #require(server.requests.last).body)
            #expect(!sentPlain.hasTaskCapacity)

            let withCapacity = try await client.fetchTask(tasksVersion: 0, capacity: 3, requestKey: "k", timeout: .seconds(5))
            #expect(withCapacity.task.id == 3)
            let seen = try #require(server.requests.last)
            #expect(seen.header("x-runner-request-key") == "k")
            #expect(seen.header("connect-timeout-ms") == "5000")
        }
    }

    @Test func fetchSingleTask() async throws {
        try await withClient { client, server in
            let reply = try await client.fetchSingleTask(handle: "h-1", requestKey: "k2")
            #expect(reply.task.id == 99)
            let sent = try Runner_V1_FetchSingleTaskRequest(serializedBytes: try #require(server.requests.last).body)
            #expect(sent.handle == "h-1")
            #expect(sent.tasksVersion == 0)
            let none = try await client.fetchSingleTask()
            #expect(!none.hasTask)
        }
    }

    @Test func updateTaskAndLog() async throws {
        try await withClient { client, _ in
            var state = Runner_V1_TaskState()
            state.id = 7
            let reply = try await client.updateTask(state: state, outputs: ["b": "2", "a": "1"])
            #expect(reply.state.id == 7)
            #expect(reply.state.result == .cancelled)
            #expect(reply.sentOutputs == ["a", "b"])

            var row = Runner_V1_LogRow()
            row.content = "hello"
            let ack = try await client.updateLog(taskID: 7, index: 10, rows: [row, row], noMore: false)
            #expect(ack.ackIndex == 12)
            let final = try await client.updateLog(taskID: 7, index: 12, rows: [row], noMore: true)
            #expect(final.ackIndex == 1013)
        }
    }

    @Test("an unknown procedure behind a plain 404 is unimplemented")
    func unknownProcedure() async throws {
        try await withClient { client, _ in
            do {
                let _: Runner_V1_DeclareResponse = try await client.connection.call(
                    "runner.v1.RunnerService/Nope", Runner_V1_DeclareRequest())
                Issue.record("expected an error")
            } catch {
                #expect(ConnectError.code(of: error) == .unimplemented)
            }
        }
    }

    @Test("request keys: same after failure, new after success")
    func requestKeys() async throws {
        let counter = Counter()
        var keys = RequestKeyRotation { "key-\(counter.next())" }
        #expect(keys.current == "key-1")
        keys.failed()
        #expect(keys.current == "key-1")
        keys.succeeded()
        #expect(keys.current == "key-2")

        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await keys.perform { _ in throw Boom() }
        }
        #expect(keys.current == "key-2")
        let used = await keys.perform { key in key }
        #expect(used == "key-2")
        #expect(keys.current == "key-3")

        let random = RequestKeyRotation()
        #expect(UUID(uuidString: random.current) != nil)
        #expect(random.current == random.current.lowercased())
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
