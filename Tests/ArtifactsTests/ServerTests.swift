import Foundation
import Testing
@testable import Artifacts

/// Starting, addressing and stopping the server.
@Suite struct ServerTests {
    @Test func environmentNamesTheServerAndARunToken() async throws {
        let server = try await ArtifactTestServer.start()
        let url = try #require(server.server.url)
        #expect(url == "http://127.0.0.1:\(server.port)/")
        #expect(server.environment["ACTIONS_RUNTIME_URL"] == url)
        #expect(server.environment["ACTIONS_RESULTS_URL"] == url)
        #expect(server.server.tokens.validate(Substring(server.token))?.runID == "4242")
        await server.stop()
        #expect(server.server.url == nil)
        #expect(server.server.environment(runID: "1").isEmpty)
    }

    @Test func ipv6HostsAreBracketedAndServed() async throws {
        let server = try await ArtifactTestServer.start(advertisedHost: "::1")
        #expect(server.runtimeURL == "http://[::1]:\(server.port)/")
        let path = "/_apis/pipelines/workflows/4242/artifacts?api-version=6.0-preview"
        #expect(try await IPv6Request.status(port: server.port, path: path, token: server.token) == 200)
        await server.stop()
        let bracketed = try await ArtifactTestServer.start(advertisedHost: "[::1]", host: "::1")
        #expect(bracketed.runtimeURL == "http://[::1]:\(bracketed.port)/")
        #expect(try await IPv6Request.status(port: bracketed.port, path: path, token: bracketed.token) == 200)
        await bracketed.stop()
    }

    @Test func startsOnceAndStopsCleanly() async throws {
        let server = try await ArtifactTestServer.start()
        await #expect(throws: ArtifactServer.StartError.self) { try await server.server.start() }
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("left-over")
        // A chunk of a file that never completes stays out of the artifact directory.
        _ = try await toolkit.putChunk(container, itemPath: "left-over/part.bin", Data("abc".utf8), start: 0, uploadSize: 10,
                                       originalSize: 10, gzip: false)
        #expect(await server.server.store?.pendingFileCount == 1)
        #expect(!FileManager.default.fileExists(atPath: server.directory + "/4242/left-over/part.bin"))
        await server.server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.directory + "/.hearth-uploads"))
        await server.stop()
    }

    @Test func itemPathsSplit() throws {
        let split = try ArtifactLayout.splitItemPath("name/a/b.txt")
        #expect(split.name == "name")
        #expect(split.segments == ["a", "b.txt"])
        #expect(throws: ArtifactFailure.self) { try ArtifactLayout.splitItemPath("name/a/../../b") }
        #expect(throws: ArtifactFailure.self) { try ArtifactLayout.splitItemPath("/name/b") }
        #expect(ArtifactLayout.validRunID("123"))
        #expect(!ArtifactLayout.validRunID(".."))
        #expect(!ArtifactLayout.validRunID(".hearth-uploads"))
    }
}
