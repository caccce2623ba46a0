import Backends
import Foundation
import Testing

@Suite("Podman client and connection", .disabled(if: PodmanTestSupport.skipRequested, PodmanTestSupport.skipReason))
struct PodmanClientTests {
    @Test("a connection to a given socket answers; a socket nobody serves fails clearly")
    func connectionToGivenSocket() async throws {
        try await PodmanTestSupport.withPodman { client async throws in
            let connection = try await PodmanConnection.open(host: "unix://\(client.socketPath)")
            #expect(connection.service == nil)
            let version = try await connection.client.version()
            #expect(version.split(separator: ".").count >= 2)
            #expect(try await connection.client.imageExists(PodmanTestSupport.busybox))
            #expect(try await !connection.client.imageExists("localhost/hearth-no-such-image:1"))
            await connection.close()

            let failure = await #expect(throws: PodmanError.self) { try await PodmanConnection.open(host: "unix:///nonexistent/podman.sock") }
            #expect(failure?.message.contains("Podman does not answer on unix:///nonexistent/podman.sock") == true)
        }
    }

    @Test("API errors carry Podman's message and status")
    func apiErrors() async throws {
        try await PodmanTestSupport.withPodman { client async throws in
            let failure = await #expect(throws: PodmanError.self) { try await client.inspectContainer("hearth-no-such-container") }
            #expect(failure?.isNotFound == true)
            #expect(failure?.message.contains("cannot inspect container 'hearth-no-such-container'") == true)
            #expect(failure?.message.contains("no such container") == true)
        }
    }

    @Test("a one-off command in a container")
    func logsAndRun() async throws {
        try await PodmanTestSupport.withPodman { client async throws in
            let name = "hearth-client-test-\(UUID().uuidString.prefix(8).lowercased())"
            try await client.createContainer(
                PodmanAPI.ContainerSpec(
                    name: name, image: PodmanTestSupport.busybox, command: ["sleep", "300"],
                    labels: ["hearth": "1"], stopTimeout: 1))
            do {
                try await client.startContainer(name)
                let result = try await client.run(in: name, ["sh", "-c", "echo hi; exit 4"])
                #expect(result.exitCode == 4)
                #expect(result.output == ["hi"])
            } catch {
                try? await client.removeContainer(name)
                throw error
            }
            try await client.removeContainer(name)
            #expect(try await client.listContainers(labels: ["hearth": "1"]).allSatisfy { !$0.names.contains(name) })
        }
    }
}
