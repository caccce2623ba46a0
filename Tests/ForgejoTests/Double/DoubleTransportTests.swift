import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import SwiftProtobuf
import Testing

@Suite("Forgejo double: transport")
struct DoubleTransportTests {
    @Test("Ping echoes Hello, <data>! without authentication")
    func ping() async throws {
        try await withDouble { _, client in
            var request = Ping_V1_PingRequest()
            request.data = "hearth"
            let response = try await client.call("Ping", request, as: Ping_V1_PingResponse.self, service: "ping.v1.PingService")
            #expect(response.data == "Hello, hearth!")
        }
    }

    @Test("Binding :: gives an IPv6 base URL and accepts IPv4 connections too")
    func addresses() async throws {
        try await withDouble(host: "::") { double, _ in
            #expect(double.baseURL.hasPrefix("http://[::1]:"))
            let port = try #require(double.address?.port)
            #expect(port > 0)
            let client = DoubleWireClient(baseURL: "http://127.0.0.1:\(port)")
            let (data, response) = try await client.post("/api/actions/ping.v1.PingService/Ping", body: Data(#"{"data":"v4"}"#.utf8),
                                                          headers: ["Content-Type": "application/json"])
            #expect(response.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self) == #"{"data":"Hello, v4!"}"#)
        }
        #expect(BoundAddress(host: "0.0.0.0", port: 80).url == "http://127.0.0.1:80")
        #expect(BoundAddress(host: "fd00::2", port: 3000).url == "http://[fd00::2]:3000")
        #expect(BoundAddress(host: "localhost", port: 1).url == "http://localhost:1")
    }

    @Test("Only POST, only known procedures, only proto/json")
    func routing() async throws {
        try await withDouble { _, client in
            let (_, get) = try await client.post("/api/actions/ping.v1.PingService/Ping", body: Data(), method: "GET")
            #expect(get.statusCode == 405)
            #expect(get.value(forHTTPHeaderField: "Allow") == "POST")
            let (_, unknown) = try await client.post("/api/actions/runner.v1.RunnerService/Nope", body: Data(),
                                                     headers: ["Content-Type": "application/proto"])
            #expect(unknown.statusCode == 404)
            let (_, media) = try await client.post("/api/actions/ping.v1.PingService/Ping", body: Data(),
                                                   headers: ["Content-Type": "text/plain"])
            #expect(media.statusCode == 415)
        }
    }

    @Test("A body that is not a message is invalid_argument (400) with a Connect JSON error")
    func malformedRequest() async throws {
        try await withDouble { _, client in
            let (data, response) = try await client.post("/api/actions/runner.v1.RunnerService/Register",
                                                         body: Data([0x0F, 0xFF, 0xFF]),
                                                         headers: ["Content-Type": "application/proto"])
            #expect(response.statusCode == 400)
            #expect(response.value(forHTTPHeaderField: "Content-Type") == "application/json")
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(object?["code"] as? String == "invalid_argument")
        }
    }

    @Test("The JSON codec: camelCase fields, int64 as strings, errors as JSON")
    func jsonCodec() async throws {
        try await withDouble(codec: .json) { double, client in
            let runner = try await client.register(labels: ["docker"], token: double.registrationToken)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let (data, response) = try await client.post(
                "/api/actions/runner.v1.RunnerService/FetchTask", body: Data(#"{"tasks_version": 0}"#.utf8),
                headers: ["Content-Type": "application/json; charset=utf-8",
                          "x-runner-uuid": runner.credentials.uuid, "x-runner-token": runner.credentials.token])
            #expect(response.statusCode == 200)
            #expect(response.value(forHTTPHeaderField: "Content-Type") == "application/json")
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["tasksVersion"] as? String == "1")
            let task = try #require(object["task"] as? [String: Any])
            #expect(task["workflowPayload"] is String)
            #expect((task["context"] as? [String: Any])?["event_name"] as? String == "push")

            // The typed client in JSON mode round-trips too.
            let ack = try await runner.updateLog(taskID: 1, index: 0, rows: ["json row"])
            #expect(ack == 1)
            let error = await #expect(throws: DoubleWireError.self) {
                _ = try await runner.updateLog(taskID: 999, index: 0, rows: ["x"])
            }
            #expect(error?.code == "internal")
            #expect(error?.status == 500)
        }
    }

    @Test("Replies of 1024 bytes or more are gzip-compressed when the client accepts gzip")
    func gzipReplies() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            var request = Runner_V1_FetchTaskRequest()
            request.tasksVersion = 0
            let (data, response) = try await client.post(
                "/api/actions/runner.v1.RunnerService/FetchTask", body: try request.serializedData(),
                headers: ["Content-Type": "application/proto", "Accept-Encoding": "gzip",
                          "x-runner-uuid": runner.credentials.uuid, "x-runner-token": runner.credentials.token])
            #expect(response.statusCode == 200)
            // URLSession (libcurl) decodes gzip transparently and keeps the header: the reply was
            // compressed on the wire and decoded into a valid message.
            #expect(response.value(forHTTPHeaderField: "Content-Encoding") == "gzip")
            let reply = try Runner_V1_FetchTaskResponse(serializedBytes: data)
            #expect(reply.hasTask)

            // Small replies and the ping service are never compressed.
            var ping = Ping_V1_PingRequest()
            ping.data = String(repeating: "p", count: 4000)
            let (_, pingResponse) = try await client.post(
                "/api/actions/ping.v1.PingService/Ping", body: try ping.serializedData(),
                headers: ["Content-Type": "application/proto", "Accept-Encoding": "gzip"])
            #expect(pingResponse.value(forHTTPHeaderField: "Content-Encoding") == nil)
        }
    }
}
