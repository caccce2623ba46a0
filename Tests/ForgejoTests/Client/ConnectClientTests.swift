import Forgejo
import ForgejoProtocol
import Foundation
import SwiftProtobuf
import Testing

@Suite("Connect client")
struct ConnectClientTests {
    private func pingReply(_ text: String) throws -> [UInt8] {
        var reply = Ping_V1_PingResponse()
        reply.data = text
        return try reply.serializedBytes()
    }

    private func withServer<T>(
        host: String = "127.0.0.1",
        _ handler: @escaping @Sendable (ClientTestHTTPServer.Request) -> ClientTestHTTPServer.Reply,
        _ body: (ClientTestHTTPServer) async throws -> T
    ) async throws -> T {
        let server = try ClientTestHTTPServer(host: host, handler: handler)
        defer { server.stop() }
        return try await body(server)
    }

    private func failure(
        _ reply: ClientTestHTTPServer.Reply, timeout: Duration = .seconds(10)
    ) async throws -> any Error {
        try await withServer({ _ in reply }) { server in
            let client = try ConnectClient(address: server.address, timeout: timeout, environment: [:])
            var caught: (any Error)?
            do {
                let _: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
                Issue.record("expected a failure")
            } catch {
                caught = error
            }
            try await client.shutdown()
            return try #require(caught)
        }
    }

    @Test("request path, headers and body encoding; reply decoding")
    func requestShape() async throws {
        let reply = try pingReply("Hello, runner!")
        try await withServer({ _ in .proto(reply) }) { server in
            let client = try ConnectClient(address: server.address + "//", uuid: "the-uuid", token: "the-token",
                                           userAgent: "hearth-test", environment: [:])
            var request = Runner_V1_FetchTaskRequest()
            request.tasksVersion = 42
            request.taskCapacity = 3
            let _: Ping_V1_PingResponse = try await client.call(
                "runner.v1.RunnerService/FetchTask", request, requestKey: "key-1", timeout: .milliseconds(25000))
            try await client.shutdown()

            let seen = try #require(server.requests.first)
            #expect(seen.method == "POST")
            #expect(seen.path == "/api/actions/runner.v1.RunnerService/FetchTask")
            #expect(seen.header("content-type") == "application/proto")
            #expect(seen.header("connect-protocol-version") == "1")
            #expect(seen.header("accept-encoding") == "gzip")
            #expect(seen.header("connect-timeout-ms") == "25000")
            #expect(seen.header("x-runner-uuid") == "the-uuid")
            #expect(seen.header("x-runner-token") == "the-token")
            #expect(seen.header("x-runner-request-key") == "key-1")
            #expect(seen.header("user-agent") == "hearth-test")
            let decoded = try Runner_V1_FetchTaskRequest(serializedBytes: seen.body)
            #expect(decoded.tasksVersion == 42)
            #expect(decoded.taskCapacity == 3)
        }
    }

    @Test("no auth, request-key or timeout headers when not given")
    func optionalHeadersOmitted() async throws {
        let reply = try pingReply("Hello, x!")
        try await withServer({ _ in .proto(reply) }) { server in
            let client = try ConnectClient(address: server.address, environment: [:])
            let answer: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
            try await client.shutdown()
            #expect(answer.data == "Hello, x!")
            let seen = try #require(server.requests.first)
            #expect(seen.header("x-runner-uuid") == nil)
            #expect(seen.header("x-runner-token") == nil)
            #expect(seen.header("x-runner-request-key") == nil)
            #expect(seen.header("connect-timeout-ms") == nil)
        }
    }

    @Test("sub-path addresses keep their path")
    func subPath() async throws {
        let reply = try pingReply("ok")
        try await withServer({ _ in .proto(reply) }) { server in
            let client = try ConnectClient(address: server.address + "/git/", environment: [:])
            let _: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
            try await client.shutdown()
            #expect(server.requests.first?.path == "/git/api/actions/ping.v1.PingService/Ping")
        }
    }

    @Test("IPv6 literal address")
    func ipv6() async throws {
        let reply = try pingReply("Hello, v6!")
        try await withServer(host: "::1", { _ in .proto(reply) }) { server in
            #expect(server.address.hasPrefix("http://[::1]:"))
            let client = try ConnectClient(address: server.address, environment: [:])
            let answer: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
            try await client.shutdown()
            #expect(answer.data == "Hello, v6!")
        }
    }

    @Test("gzip-compressed replies are decompressed")
    func gzipReply() async throws {
        var task = Runner_V1_FetchTaskResponse()
        task.tasksVersion = 9
        task.task.id = 77
        task.task.workflowPayload = Data(String(repeating: "steps: [] ", count: 300).utf8)
        let plain: [UInt8] = try task.serializedBytes()
        let compressed = StoredGzip.encode(plain)
        try await withServer({ _ in .proto(compressed, extraHeaders: [("Content-Encoding", "gzip")]) }) { server in
            let client = try ConnectClient(address: server.address, environment: [:])
            let answer: Runner_V1_FetchTaskResponse = try await client.call("runner.v1.RunnerService/FetchTask",
                                                                             Runner_V1_FetchTaskRequest())
            try await client.shutdown()
            #expect(answer == task)
        }
    }

    @Test("Connect JSON errors are decided by their code, not the HTTP status",
          arguments: ConnectError.Code.allCases)
    func jsonCodes(code: ConnectError.Code) async throws {
        let error = try await failure(.json(status: 418, "{\"code\":\"\(code.rawValue)\",\"message\":\"because\"}"))
        let connect = try #require(error as? ConnectError)
        #expect(connect.code == code)
        #expect(connect.message == "because")
        #expect(connect.httpStatus == 418)
        #expect(connect.method == "ping.v1.PingService/Ping")
    }

    @Test("Forgejo's unauthenticated means the credentials are gone")
    func unauthenticated() async throws {
        let error = try await failure(.json(status: 401, #"{"code":"unauthenticated","message":"unregistered runner"}"#))
        let connect = try #require(error as? ConnectError)
        #expect(connect.meansCredentialsGone)
        #expect(!connect.isRetryable)
        #expect(ConnectError.meansCredentialsGone(error))
        #expect("\(connect)".contains("register the runner again"))
    }

    @Test("Gitea's unknown + unregistered runner means the credentials are gone")
    func giteaUnregistered() async throws {
        let error = try await failure(.json(
            status: 500, #"{"code":"unknown","message":"rpc error: code = Unauthenticated desc = unregistered runner"}"#))
        let connect = try #require(error as? ConnectError)
        #expect(connect.code == .unknown)
        #expect(connect.meansCredentialsGone)
        #expect(!connect.isRetryable)
    }

    @Test("a plain unknown error is retryable and not a credentials problem")
    func plainUnknown() async throws {
        let error = try await failure(.json(status: 500, #"{"code":"unknown","message":"database is locked"}"#))
        let connect = try #require(error as? ConnectError)
        #expect(!connect.meansCredentialsGone)
        #expect(connect.isRetryable)
    }

    @Test("non-Connect bodies are mapped by HTTP status like connect clients do",
          arguments: [(502, ConnectError.Code.unavailable), (503, .unavailable), (504, .unavailable), (404, .unimplemented),
                      (401, .unauthenticated), (403, .permissionDenied), (400, .internal), (429, .unavailable), (500, .unknown)])
    func statusMapping(status: Int, code: ConnectError.Code) async throws {
        let html = "<html><body><h1>\(status) Bad Gateway</h1></body></html>"
        let error = try await failure(.respond(status: status, headers: [("Content-Type", "text/html")], body: Array(html.utf8)))
        let connect = try #require(error as? ConnectError)
        #expect(connect.code == code)
        #expect(connect.httpStatus == status)
        #expect(connect.message.hasPrefix("HTTP \(status)"))
        #expect(!connect.message.contains("<html>"))
    }

    @Test("an HTML 502 from a proxy is retryable")
    func proxy502() async throws {
        let error = try await failure(.respond(status: 502, headers: [("Content-Type", "text/html")],
                                               body: Array("<html>bad gateway</html>".utf8)))
        #expect(ConnectError.isRetryable(error))
    }

    @Test("redirects are not followed; the error names the new address")
    func redirect() async throws {
        let error = try await failure(.respond(status: 301, headers: [("Location", "https://forgejo.example.org/")], body: []))
        let connect = try #require(error as? ConnectError)
        #expect(connect.httpStatus == 301)
        #expect(connect.message.contains("redirects to https://forgejo.example.org/"))
    }

    @Test("JSON without a known code falls back to the HTTP status")
    func jsonWithoutCode() async throws {
        let error = try await failure(.json(status: 503, #"{"error":"maintenance"}"#))
        #expect((error as? ConnectError)?.code == .unavailable)
    }

    @Test("a garbage 200 body is a retryable malformed reply")
    func garbageBody() async throws {
        let error = try await failure(.proto([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))
        let transport = try #require(error as? TransportError)
        #expect(transport.kind == .malformedReply)
        #expect(transport.isRetryable)
    }

    @Test("a 200 that is not protobuf (a login page) is a malformed reply")
    func wrongContentType() async throws {
        let error = try await failure(.respond(status: 200, headers: [("Content-Type", "text/html")],
                                               body: Array("<html>sign in</html>".utf8)))
        let transport = try #require(error as? TransportError)
        #expect(transport.kind == .malformedReply)
        #expect(transport.message.contains("text/html"))
    }

    @Test("connection refused is a retryable transport failure")
    func connectionRefused() async throws {
        let port = ClientTestHTTPServer.closedPort()
        let client = try ConnectClient(address: "http://127.0.0.1:\(port)", timeout: .seconds(10), environment: [:])
        do {
            let _: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
            Issue.record("expected a failure")
        } catch let error as TransportError {
            #expect(error.kind == .connectionFailed)
            #expect(error.isRetryable)
        }
        try await client.shutdown()
    }

    @Test("a server that closes without answering is a connection failure")
    func closedWithoutReply() async throws {
        let error = try await failure(.close)
        #expect((error as? TransportError)?.kind == .connectionFailed)
    }

    @Test("no reply within the timeout")
    func timeout() async throws {
        let started = ContinuousClock.now
        let error = try await failure(.stall(seconds: 60), timeout: .milliseconds(300))
        // The error kind proves the timeout fired (the stalled server would otherwise answer);
        // wall time is not asserted: on a loaded 2-core machine resumption can lag by seconds.
        _ = started
        let transport = try #require(error as? TransportError)
        #expect(transport.kind == .timedOut)
        #expect(transport.isRetryable)
        #expect(ConnectError.isDeadline(error))
    }

    @Test("the timeout also covers a body that stops arriving")
    func bodyTimeout() async throws {
        let error = try await failure(.partial(status: 200, headers: [("Content-Type", "application/proto")],
                                               length: 100, sent: [0x0A, 0x05], seconds: 60),
                                      timeout: .milliseconds(400))
        #expect((error as? TransportError)?.kind == .timedOut)
    }

    @Test("a per-call timeout overrides the client's")
    func perCallTimeout() async throws {
        try await withServer({ _ in .stall(seconds: 60) }) { server in
            let client = try ConnectClient(address: server.address, timeout: .seconds(30), environment: [:])
            let started = ContinuousClock.now
            await #expect(throws: TransportError.self) {
                let _: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest(),
                                                                   timeout: .milliseconds(300))
            }
            // The error kind proves the timeout fired (the stalled server would otherwise answer);
        // wall time is not asserted: on a loaded 2-core machine resumption can lag by seconds.
        _ = started
            #expect(server.requests.first?.header("connect-timeout-ms") == "300")
            try await client.shutdown()
        }
    }

    @Test("cancelling the calling task cancels the call")
    func cancellation() async throws {
        try await withServer({ _ in .stall(seconds: 60) }) { server in
            let client = try ConnectClient(address: server.address, environment: [:])
            let task = Task {
                let _: Ping_V1_PingResponse = try await client.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            try await client.shutdown()
        }
    }

    @Test("invalid addresses are rejected up front", arguments: ["", "forgejo.example.org", "ftp://x", "https://", "http://host/?a=b"])
    func invalidAddress(address: String) {
        #expect(throws: TransportError.self) { try ConnectClient(address: address, environment: [:]) }
    }

    @Test("address normalisation")
    func addressNormalisation() throws {
        let address = try InstanceAddress(" https://forgejo.example.org/git/// ")
        #expect(address.original == "https://forgejo.example.org/git///")
        #expect(address.apiBase == "https://forgejo.example.org/git/api/actions")
        #expect(address.url(for: "runner.v1.RunnerService/Declare")
            == "https://forgejo.example.org/git/api/actions/runner.v1.RunnerService/Declare")
        let v6 = try InstanceAddress("http://[::1]:3000/")
        #expect(v6.host == "::1")
        #expect(v6.apiBase == "http://[::1]:3000/api/actions")
    }

    @Test("an unreadable CA file is reported when the client is created")
    func badCAFile() {
        #expect(throws: TransportError.self) {
            try ConnectClient(address: "https://forgejo.example.org", caFile: "/nonexistent/ca.pem", environment: [:])
        }
    }
}
