import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Testing

@Suite("Forgejo double: registration, authentication, Declare")
struct DoubleRegistrationTests {
    @Test("Register with the registration token creates a runner with a v4 UUID and a 40-hex token")
    func registerGood() async throws {
        try await withDouble { double, client in
            var request = Runner_V1_RegisterRequest()
            request.name = "alpha"
            request.token = double.registrationToken
            request.labels = ["docker", "ubuntu-latest"]
            request.version = "v1.2.3"
            let runner = try await client.call("Register", request, as: Runner_V1_RegisterResponse.self).runner
            #expect(runner.id == 1)
            #expect(runner.name == "alpha")
            #expect(runner.labels == ["docker", "ubuntu-latest"])
            #expect(runner.version == "v1.2.3")
            #expect(runner.token.count == 40 && runner.token.allSatisfy(\.isHexDigit))
            let uuid = try #require(UUID(uuidString: runner.uuid))
            #expect(uuid.uuid.6 >> 4 == 4, "version 4 UUID")
            #expect(double.runners.map(\.name) == ["alpha"])
            // The token is reusable: a second runner registers with the same one.
            _ = try await client.register(name: "beta", token: double.registrationToken)
            #expect(double.runners.count == 2)
        }
    }

    @Test("Register errors: missing fields, unknown token, invalidated token")
    func registerBad() async throws {
        try await withDouble { double, client in
            var missing = Runner_V1_RegisterRequest()
            missing.token = double.registrationToken
            let missingError = await #expect(throws: DoubleWireError.self) {
                _ = try await client.call("Register", missing, as: Runner_V1_RegisterResponse.self)
            }
            #expect(missingError?.code == "invalid_argument")
            #expect(missingError?.status == 400)
            #expect(missingError?.message == "missing runner token, name")

            let unknownError = await #expect(throws: DoubleWireError.self) {
                _ = try await client.register(token: "0000000000000000000000000000000000000000")
            }
            #expect(unknownError?.code == "invalid_argument")
            #expect(unknownError?.message == "runner registration token not found")

            let old = double.registrationToken
            let new = double.createRegistrationToken()
            #expect(new != old)
            let invalidated = await #expect(throws: DoubleWireError.self) {
                _ = try await client.register(token: old)
            }
            #expect(invalidated?.message == "runner registration token has been invalidated, please use the latest one")
            _ = try await client.register(token: new)
        }
    }

    @Test("Unknown UUID, wrong token or no headers: unauthenticated / unregistered runner")
    func authFailures() async throws {
        try await withDouble { double, client in
            let good = double.wireRunner(client)
            _ = try await good.declare(labels: ["docker"])
            let cases = [
                RunnerCredentials(id: 0, uuid: "", token: ""),
                RunnerCredentials(id: 0, uuid: UUID().uuidString.lowercased(), token: good.credentials.token),
                RunnerCredentials(id: 0, uuid: good.credentials.uuid, token: String(repeating: "0", count: 40)),
                RunnerCredentials(id: 0, uuid: good.credentials.uuid, token: String(good.credentials.token.dropLast())),
            ]
            for credentials in cases {
                let runner = DoubleWireRunner(client: client, credentials: credentials)
                let error = await #expect(throws: DoubleWireError.self) { _ = try await runner.fetch() }
                #expect(error?.status == 401)
                #expect(error?.code == "unauthenticated")
                #expect(error?.message == "unregistered runner")
            }
            // A deleted runner's credentials stop working at once.
            double.deleteRunner(uuid: good.credentials.uuid)
            let deleted = await #expect(throws: DoubleWireError.self) { _ = try await good.fetch() }
            #expect(deleted?.code == "unauthenticated")
        }
    }

    @Test("Gitea mode: errors are unknown/500 with gRPC-style messages, FetchSingleTask is missing")
    func giteaMode() async throws {
        try await withDouble(.init(giteaMode: true)) { double, client in
            let stranger = DoubleWireRunner(client: client, credentials: RunnerCredentials(id: 0, uuid: "nope", token: "nope"))
            let error = await #expect(throws: DoubleWireError.self) { _ = try await stranger.fetch() }
            #expect(error?.status == 500)
            #expect(error?.code == "unknown")
            #expect(error?.message == "rpc error: code = Unauthenticated desc = unregistered runner")

            let runner = double.wireRunner(client)
            let single = await #expect(throws: DoubleWireError.self) { _ = try await runner.fetchSingle() }
            #expect(single?.status == 404)

            let registerError = await #expect(throws: DoubleWireError.self) {
                _ = try await client.register(token: "0000000000000000000000000000000000000000")
            }
            #expect(registerError?.message == "rpc error: code = InvalidArgument desc = runner registration token not found")
        }
    }

    @Test("Declare replaces labels and version; the reply has no token; last_online/last_active are tracked")
    func declare() async throws {
        try await withDouble { double, client in
            let runner = try await client.register(labels: ["old"], token: double.registrationToken)
            #expect(double.runners.first?.lastOnline == nil)
            let reply = try await runner.declare(labels: ["docker", "lxc"], version: "v9")
            #expect(reply.runner.labels == ["docker", "lxc"])
            #expect(reply.runner.version == "v9")
            #expect(reply.runner.token.isEmpty)
            #expect(reply.runner.uuid == runner.credentials.uuid)
            let stored = try #require(double.runner(uuid: runner.credentials.uuid))
            #expect(stored.labels == ["docker", "lxc"])
            #expect(stored.declareCount == 1)
            #expect(stored.lastOnline != nil)
            #expect(stored.lastActive == nil)
            #expect(stored.status() == "idle")

            try double.queue(workflowYAML: DoubleWorkflows.single)
            let task = try await runner.fetchTask()
            _ = try await runner.updateLog(taskID: task.id, index: 0, rows: ["x"])
            let active = try #require(double.runner(uuid: runner.credentials.uuid))
            #expect(active.lastActive != nil)
            #expect(active.status() == "active")
        }
    }

    @Test("Offline registration derives the UUID from the secret's first 16 characters")
    func offlineRegistration() async throws {
        try await withDouble { double, client in
            let secret = "4141414141414141" + String(repeating: "a", count: 24)
            let credentials = try double.registerOfflineRunner(secret: secret, labels: ["docker"])
            #expect(credentials.uuid == "34313431-3431-3431-3431-343134313431")
            #expect(credentials.token == secret)
            let runner = DoubleWireRunner(client: client, credentials: credentials)
            _ = try await runner.declare(labels: ["docker"])
            // Same first 16 characters, new tail: the token of the same runner rotates.
            let rotated = "4141414141414141" + String(repeating: "b", count: 24)
            let second = try double.registerOfflineRunner(secret: rotated, labels: ["docker"])
            #expect(second.uuid == credentials.uuid)
            #expect(double.runners.count == 1)
            await #expect(throws: DoubleWireError.self) { _ = try await runner.fetch() }
        }
    }
}
