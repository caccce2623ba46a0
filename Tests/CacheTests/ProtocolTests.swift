import Foundation
import Testing
@testable import Cache

/// The actions/cache round trip and GitHub's matching rules.
@Suite struct ProtocolTests {
    @Test func saveThenRestoreByExactKey() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let data = CacheTestServer.randomData(200_000)
        let id = try await server.save("Linux-npm-abc", data, token: token, chunk: 65_536)

        let found = try await server.lookup(["Linux-npm-abc"], token: token)
        #expect(found.status == 200)
        #expect(found.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(found.json["cacheKey"] as? String == "Linux-npm-abc")
        #expect(found.json["cacheVersion"] as? String == "v1")
        #expect(found.json["result"] as? String == "hit")
        let created = try #require(found.json["creationTime"] as? String)
        let parsed = try #require(ISO8601DateFormatter().date(from: created))
        #expect(abs(parsed.timeIntervalSinceNow) < 600)
        let location = try #require(found.json["archiveLocation"] as? String)
        #expect(location == server.server.url(forToken: token) + "_apis/artifactcache/artifacts/\(id)")

        let download = try await server.send("GET", location)
        #expect(download.status == 200)
        #expect(download.headers["content-length"] == "200000")
        #expect(download.body == data)
        await server.stop()
    }

    @Test func emptyEntryRoundTrips() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("empty", Data(), token: token)
        let restored = try await server.restore(["empty"], token: token)
        #expect(restored?.data == Data())
        await server.stop()
    }

    @Test func missReturnsNoContent() async throws {
        let server = try await CacheTestServer.start()
        let found = try await server.lookup(["nothing-here", "noth"], token: server.token())
        #expect(found.status == 204)
        #expect(found.body.isEmpty)
        await server.stop()
    }

    @Test func versionMustMatch() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("key", Data("payload".utf8), version: "aaa", token: token)
        #expect(try await server.lookup(["key"], version: "bbb", token: token).status == 204)
        #expect(try await server.lookup(["key"], version: "aaa", token: token).status == 200)
        await server.stop()
    }

    @Test func keysMatchCaseInsensitively() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("Linux-Cargo", Data("x".utf8), token: token)
        let found = try await server.lookup(["linux-cargo"], token: token)
        #expect(found.status == 200)
        #expect(found.json["cacheKey"] as? String == "Linux-Cargo")
        await server.stop()
    }

    @Test func restoreKeysMatchByPrefixAndTheNewestWins() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("npm-linux-1", Data("one".utf8), token: token)
        try await server.save("npm-linux-2", Data("two".utf8), token: token)
        try await server.save("npm-macos-3", Data("three".utf8), token: token)

        // No exact hit for the primary key: the first restore key with matches, newest first.
        let byRestoreKey = try await server.restore(["npm-linux-9", "npm-linux-", "npm-"], token: token)
        #expect(byRestoreKey?.key == "npm-linux-2")
        #expect(byRestoreKey?.data == Data("two".utf8))
        // The primary key itself also matches as a prefix.
        #expect(try await server.restore(["npm-linux"], token: token)?.key == "npm-linux-2")
        // A later restore key is used only when earlier ones have no match.
        #expect(try await server.restore(["yarn-", "npm-macos-"], token: token)?.key == "npm-macos-3")
        #expect(try await server.restore(["npm-"], token: token)?.key == "npm-macos-3")
        await server.stop()
    }

    @Test func anExactPrimaryKeyBeatsNewerPrefixMatches() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("deps-1", Data("old".utf8), token: token)
        try await server.save("deps-10", Data("new".utf8), token: token)
        let restored = try await server.restore(["deps-1", "deps-"], token: token)
        #expect(restored?.key == "deps-1")
        #expect(restored?.data == Data("old".utf8))
        await server.stop()
    }

    @Test func reservingAnExistingEntryConflicts() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("dup", Data("x".utf8), token: token)
        let again = try await server.reserve("dup", token: token)
        #expect(again.status == 409)
        #expect(again.message?.contains("already exists") == true)
        // The same key with another version is a different entry.
        #expect(try await server.reserve("dup", version: "v2", token: token).status == 200)
        await server.stop()
    }

    @Test func reservingWhileAnotherJobUploadsConflicts() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        #expect(try await server.reserve("busy", token: token).status == 200)
        let second = try await server.reserve("busy", token: token)
        #expect(second.status == 409)
        #expect(second.message?.contains("another job") == true)
        await server.stop()
    }

    @Test func reserveRejectsBadInput() async throws {
        let server = try await CacheTestServer.start { $0.maximumSize = 1000 }
        let token = server.token()
        #expect(try await server.reserve("", token: token).status == 400)
        #expect(try await server.reserve("a,b", token: token).status == 400)
        #expect(try await server.reserve(String(repeating: "k", count: 513), token: token).status == 400)
        #expect(try await server.reserve("big", size: 1001, token: token).status == 400)
        #expect(try await server.reserve("negative", size: -1, token: token).status == 400)
        let malformed = try await server.call("POST", "caches", token: token, body: Data("{not json".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.message?.contains("malformed") == true)
        let missingKey = try await server.call("POST", "caches", token: token, body: Data(#"{"version":"v1"}"#.utf8))
        #expect(missingKey.status == 400)
        await server.stop()
    }

    @Test func lookupRequiresKeys() async throws {
        let server = try await CacheTestServer.start()
        let result = try await server.call("GET", "cache?version=v1", token: server.token())
        #expect(result.status == 400)
        await server.stop()
    }

    @Test func downloadHonoursRangesAndHead() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let data = CacheTestServer.randomData(1000)
        let id = try await server.save("ranged", data, token: token)

        let middle = try await server.call("GET", "artifacts/\(id)", token: token, headers: ["Range": "bytes=10-19"])
        #expect(middle.status == 206)
        #expect(middle.headers["content-range"] == "bytes 10-19/1000")
        #expect(middle.body == data.subdata(in: 10..<20))

        let suffix = try await server.call("GET", "artifacts/\(id)", token: token, headers: ["Range": "bytes=-5"])
        #expect(suffix.status == 206)
        #expect(suffix.body == data.subdata(in: 995..<1000))

        let open = try await server.call("GET", "artifacts/\(id)", token: token, headers: ["Range": "bytes=990-"])
        #expect(open.body == data.subdata(in: 990..<1000))

        let beyond = try await server.call("GET", "artifacts/\(id)", token: token, headers: ["Range": "bytes=1000-2000"])
        #expect(beyond.status == 416)
        #expect(beyond.headers["content-range"] == "bytes */1000")

        let head = try await server.call("HEAD", "artifacts/\(id)", token: token)
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == "1000")
        #expect(head.headers["accept-ranges"] == "bytes")
        #expect(head.body.isEmpty)
        await server.stop()
    }

    @Test func largeEntryStreamsIntact() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        // Several read chunks on the way out, several write batches on the way in.
        let data = CacheTestServer.randomData(3 * (1 << 20) + 12_345)
        try await server.save("large", data, token: token, chunk: 1 << 20)
        #expect(try await server.restore(["large"], token: token)?.data == data)
        await server.stop()
    }

    @Test func cleanIsAcceptedAndUnknownRoutesAreRejected() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        #expect(try await server.call("POST", "clean", token: token).status == 200)
        let unknown = try await server.call("GET", "nowhere", token: token)
        #expect(unknown.status == 404)
        #expect(unknown.message != nil)
        #expect(try await server.call("DELETE", "caches", token: token).status == 405)
        #expect(try await server.send("GET", "http://127.0.0.1:\(server.port)/elsewhere").status == 404)
        await server.stop()
    }
}
