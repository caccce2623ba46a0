import Foundation
import Logging
import Testing
@testable import Cache

/// Persistence, eviction and recovery after a crash.
@Suite struct StorageTests {
    @Test func leastRecentlyUsedEntriesAreEvicted() async throws {
        let server = try await CacheTestServer.start { $0.maximumSize = 250 }
        let token = server.token()
        try await server.save("a", Data(repeating: 1, count: 100), token: token)
        try await server.save("b", Data(repeating: 2, count: 100), token: token)
        // Restoring a makes b the least recently used.
        #expect(try await server.restore(["a"], token: token) != nil)
        try await server.save("c", Data(repeating: 3, count: 100), token: token)

        #expect(try await server.lookup(["b"], token: token).status == 204)
        #expect(try await server.restore(["a"], token: token)?.data == Data(repeating: 1, count: 100))
        #expect(try await server.restore(["c"], token: token)?.data == Data(repeating: 3, count: 100))
        let store = try #require(server.server.store)
        #expect(await store.totalSize == 200)
        let files = try FileManager.default.contentsOfDirectory(atPath: server.directory + "/entries")
        #expect(files.count == 2)
        await server.stop()
    }

    @Test func entriesSurviveARestart() async throws {
        let first = try await CacheTestServer.start()
        let data = CacheTestServer.randomData(5000)
        try await first.save("persistent", data, token: first.token())
        await first.stop(removing: false)

        let second = try await CacheTestServer.start(directory: first.directory)
        // Same secret, so tokens (and the repository scope) carry over.
        #expect(try await second.restore(["persistent"], token: second.token())?.data == data)
        await second.stop()
    }

    @Test func leftoversOfACrashAreNeverServedAndAreCleanedUp() async throws {
        let first = try await CacheTestServer.start()
        let token = first.token()
        let kept = CacheTestServer.randomData(3000)
        try await first.save("kept", kept, token: token)
        // An upload that never finished: its data sits in uploads/.
        let reserved = try await first.reserve("half-written", size: 2000, token: token)
        let halfID = try #require(reserved.json["cacheId"] as? Int64)
        #expect(try await first.upload(halfID, Data(repeating: 5, count: 1000), at: 0, token: token).status == 200)
        #expect(try await first.lookup(["half-written"], token: token).status == 204)
        await first.stop(removing: false)

        let directory = first.directory
        #expect(FileManager.default.fileExists(atPath: directory + "/uploads/\(halfID).part"))
        // A crash between moving data into entries/ and writing the index leaves data no entry
        // names, and an interrupted index write leaves a temporary file.
        _ = FileManager.default.createFile(atPath: directory + "/entries/987654", contents: Data(repeating: 1, count: 10))
        _ = FileManager.default.createFile(atPath: directory + "/index.json.tmp", contents: Data("{garbage".utf8))

        let second = try await CacheTestServer.start(directory: directory)
        #expect(try second.directoryNames("uploads").isEmpty)
        #expect(try second.directoryNames("entries").count == 1)
        #expect(!FileManager.default.fileExists(atPath: directory + "/index.json.tmp"))
        #expect(try await second.lookup(["half-written"], token: token).status == 204)
        #expect(try await second.upload(halfID, Data(repeating: 5, count: 1000), at: 1000, token: token).status == 404)
        #expect(try await second.call("GET", "artifacts/987654", token: token).status == 404)
        #expect(try await second.restore(["kept"], token: token)?.data == kept)
        await second.stop()
    }

    @Test func entriesWhoseDataVanishedAreDropped() async throws {
        let first = try await CacheTestServer.start()
        let token = first.token()
        let id = try await first.save("lost", Data("gone".utf8), token: token)
        try await first.save("fine", Data("here".utf8), token: token)
        await first.stop(removing: false)
        try FileManager.default.removeItem(atPath: first.directory + "/entries/\(id)")

        let second = try await CacheTestServer.start(directory: first.directory)
        #expect(try await second.lookup(["lost"], token: token).status == 204)
        #expect(try await second.restore(["fine"], token: token)?.data == Data("here".utf8))
        await second.stop()
    }

    @Test func aCorruptIndexIsSetAside() async throws {
        let directory = CacheTestServer.makeDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/entries", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/index.json", contents: Data("not json".utf8))
        _ = FileManager.default.createFile(atPath: directory + "/entries/12", contents: Data("orphan".utf8))
        let server = try await CacheTestServer.start(directory: directory)
        #expect(FileManager.default.fileExists(atPath: directory + "/index.json.corrupt"))
        #expect(try server.directoryNames("entries").isEmpty)
        try await server.save("fresh", Data("x".utf8), token: server.token())
        await server.stop()
    }

    @Test func oneDirectoryServesOneServer() async throws {
        let first = try await CacheTestServer.start()
        let second = CacheServer(configuration: CacheServerConfiguration(directory: first.directory), logger: CacheTestServer.quietLogger)
        await #expect(throws: CacheServer.StartError.self) { try await second.start(host: "127.0.0.1") }
        await first.stop()
    }

    @Test func startTwiceIsAnError() async throws {
        let server = try await CacheTestServer.start()
        await #expect(throws: CacheServer.StartError.self) { try await server.server.start() }
        await server.stop()
        await #expect(throws: CacheServer.StartError.self) { try await server.server.start() }
        await server.server.stop()
    }

    @Test func chunksInFlightKeepAnUploadAliveAndBlockItsCommit() async throws {
        let directory = CacheTestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = CacheServerConfiguration(directory: directory, reservationTimeout: .zero)
        let store = try await CacheStore(configuration: configuration, logger: CacheTestServer.quietLogger)
        let scope = CacheScope(repository: "o/r", ref: nil)
        let id = try await store.reserve(key: "k", version: "v", size: 4, scope: scope)
        let chunk = try await store.beginChunk(id: id, range: 0..<4, scope: scope)
        await store.sweep()
        #expect(await store.pendingUploads == [id])
        await #expect(throws: CacheFailure.self) { try await store.beginCommit(id: id, size: 4, scope: scope) }
        await #expect(throws: CacheFailure.self) { try await store.beginChunk(id: id, range: 2..<4, scope: scope) }
        await store.endChunk(id: id, ticket: chunk.ticket, completed: true)
        _ = try await store.beginCommit(id: id, size: 4, scope: scope)
        await store.sweep()
        #expect(await store.pendingUploads == [id], "a commit under way is not swept")
        _ = try await store.finishCommit(id: id, size: 4, flushError: nil)
        #expect(await store.committedEntries.map(\.key) == ["k"])
        await store.close()
    }
}

extension CacheTestServer {
    /// The names in a subdirectory of the storage directory.
    func directoryNames(_ subdirectory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory + "/" + subdirectory)
    }
}
