import Foundation
import Testing
@testable import Cache

/// Chunk uploads and commits, including every way they can go wrong.
@Suite struct UploadTests {
    private func reserved(_ server: CacheTestServer, _ key: String, size: Int? = nil, token: String) async throws -> Int64 {
        let result = try await server.reserve(key, size: size, token: token)
        #expect(result.status == 200)
        return try #require(result.json["cacheId"] as? Int64)
    }

    @Test func chunksUploadConcurrentlyAndOutOfOrder() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let chunk = 32 << 10
        let data = CacheTestServer.randomData(24 * chunk + 777)
        let id = try await reserved(server, "parallel", size: data.count, token: token)
        let offsets = Array(stride(from: 0, to: data.count, by: chunk)).shuffled()
        let statuses = try await withThrowingTaskGroup(of: Int.self, returning: [Int].self) { group in
            for offset in offsets {
                group.addTask {
                    try await server.upload(id, data.subdata(in: offset..<min(offset + chunk, data.count)), at: offset, token: token).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: offsets.count))
        #expect(try await server.commit(id, size: data.count, token: token).status == 200)
        #expect(try await server.restore(["parallel"], token: token)?.data == data)
        await server.stop()
    }

    @Test func contentRangeIsRequiredAndChecked() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await reserved(server, "ranges", size: 100, token: token)
        let body = Data(repeating: 7, count: 10)
        func patch(_ range: String?) async throws -> HTTPResult {
            var headers = ["Content-Type": "application/octet-stream"]
            headers["Content-Range"] = range
            return try await server.call("PATCH", "caches/\(id)", token: token, body: body, headers: headers)
        }
        let missing = try await patch(nil)
        #expect(missing.status == 400)
        #expect(missing.message?.contains("Content-Range") == true)
        #expect(try await patch("bytes=0-9").status == 400)
        #expect(try await patch("bytes 0-9").status == 400)
        #expect(try await patch("bytes 9-0/*").status == 400)
        #expect(try await patch("bytes a-9/*").status == 400)
        #expect(try await patch("items 0-9/*").status == 400)
        #expect(try await patch("bytes 0-9/5").status == 400)
        // The body must be as long as the range.
        let mismatch = try await patch("bytes 0-19/*")
        #expect(mismatch.status == 400)
        #expect(mismatch.message?.contains("Content-Length") == true)
        // Beyond the size announced at reservation.
        let beyond = try await patch("bytes 95-104/*")
        #expect(beyond.status == 400)
        #expect(beyond.message?.contains("reserved size") == true)
        #expect(try await patch("bytes 0-9/*").status == 200)
        #expect(try await patch("bytes 0-9/100").status == 200)
        await server.stop()
    }

    @Test func chunksBeyondTheSizeLimitAreRejected() async throws {
        let server = try await CacheTestServer.start { $0.maximumSize = 50 }
        let token = server.token()
        let id = try await reserved(server, "unsized", token: token)
        let result = try await server.upload(id, Data(repeating: 1, count: 10), at: 45, token: token)
        #expect(result.status == 400)
        #expect(result.message?.contains("limit") == true)
        await server.stop()
    }

    @Test func overlappingChunksAreRejectedButResendsAreAccepted() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let data = CacheTestServer.randomData(30)
        let id = try await reserved(server, "overlap", size: 30, token: token)
        #expect(try await server.upload(id, data.subdata(in: 0..<10), at: 0, token: token).status == 200)
        let overlap = try await server.upload(id, data.subdata(in: 5..<15), at: 5, token: token)
        #expect(overlap.status == 400)
        #expect(overlap.message?.contains("overlap") == true)
        // A retry of a chunk that already arrived is harmless.
        #expect(try await server.upload(id, data.subdata(in: 0..<10), at: 0, token: token).status == 200)
        #expect(try await server.upload(id, data.subdata(in: 10..<30), at: 10, token: token).status == 200)
        #expect(try await server.commit(id, size: 30, token: token).status == 200)
        #expect(try await server.restore(["overlap"], token: token)?.data == data)
        await server.stop()
    }

    @Test func commitChecksTheSize() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await reserved(server, "sizes", token: token)
        #expect(try await server.upload(id, Data(repeating: 1, count: 10), at: 0, token: token).status == 200)
        #expect(try await server.upload(id, Data(repeating: 2, count: 10), at: 20, token: token).status == 200)

        let tooLarge = try await server.commit(id, size: 40, token: token)
        #expect(tooLarge.status == 400)
        #expect(tooLarge.message?.contains("20 bytes received") == true)
        // A gap: 20 bytes arrived but not 0..<20.
        #expect(try await server.commit(id, size: 20, token: token).status == 400)
        #expect(try await server.commit(id, size: 10, token: token).status == 400)
        #expect(try await server.call("POST", "caches/\(id)", token: token, body: Data(#"{"length":30}"#.utf8)).status == 400)
        // Nothing was committed by the failed attempts.
        #expect(try await server.lookup(["sizes"], token: token).status == 204)

        #expect(try await server.upload(id, Data(repeating: 3, count: 10), at: 10, token: token).status == 200)
        #expect(try await server.commit(id, size: 30, token: token).status == 200)
        #expect(try await server.restore(["sizes"], token: token)?.data.count == 30)
        await server.stop()
    }

    @Test func commitMustMatchTheReservedSize() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await reserved(server, "declared", size: 20, token: token)
        #expect(try await server.upload(id, Data(repeating: 1, count: 10), at: 0, token: token).status == 200)
        let result = try await server.commit(id, size: 10, token: token)
        #expect(result.status == 400)
        #expect(result.message?.contains("reserved size") == true)
        await server.stop()
    }

    @Test func unknownIdsAreNotFound() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        #expect(try await server.upload(424_242, Data("x".utf8), at: 0, token: token).status == 404)
        #expect(try await server.commit(424_242, size: 1, token: token).status == 404)
        #expect(try await server.call("GET", "artifacts/424242", token: token).status == 404)
        #expect(try await server.call("GET", "artifacts/abc", token: token).status == 400)
        #expect(try await server.call("PATCH", "caches/-3", token: token, body: Data("x".utf8),
                                      headers: ["Content-Range": "bytes 0-0/*"]).status == 400)
        await server.stop()
    }

    @Test func chunksAndCommitsAfterACommitConflict() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await server.save("done", Data("abc".utf8), token: token)
        let late = try await server.upload(id, Data("z".utf8), at: 0, token: token)
        #expect(late.status == 409)
        #expect(late.message?.contains("already committed") == true)
        #expect(try await server.commit(id, size: 3, token: token).status == 409)
        #expect(try await server.restore(["done"], token: token)?.data == Data("abc".utf8))
        await server.stop()
    }

    @Test func aTruncatedBodyIsNotCounted() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await reserved(server, "truncated", size: 100, token: token)
        let path = "/\(token)/_apis/artifactcache/caches/\(id)"
        let head = "PATCH \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Range: bytes 0-99/*\r\nContent-Length: 100\r\n\r\n"
        // The client goes away after 40 of 100 bytes.
        let response = try? await RawHTTP.exchange(port: server.port, Array(head.utf8) + [UInt8](repeating: 9, count: 40),
                                                   closeAfterSending: true)
        if let response { #expect(response.status == 400) }
        // When the server saw the connection end without answering, its handler may still be
        // finishing the chunk (409, "still uploading") for a moment.
        var commit = try await server.commit(id, size: 100, token: token)
        for _ in 0..<200 where commit.status == 409 {
            commit = try await server.commit(id, size: 100, token: token)
        }
        #expect(commit.status == 400)
        #expect(commit.message?.contains("0 bytes received") == true)
        // The chunk can be sent again in full.
        #expect(try await server.upload(id, Data(repeating: 9, count: 100), at: 0, token: token).status == 200)
        #expect(try await server.commit(id, size: 100, token: token).status == 200)
        await server.stop()
    }

    @Test func aBodyLongerThanItsRangeIsRejected() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await reserved(server, "oversized", token: token)
        let path = "/\(token)/_apis/artifactcache/caches/\(id)"
        // Chunked encoding, so no Content-Length gives the excess away up front.
        let request = "PATCH \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Range: bytes 0-9/*\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n14\r\n" + String(repeating: "x", count: 20) + "\r\n0\r\n\r\n"
        let response = try await RawHTTP.exchange(port: server.port, request)
        #expect(response.status == 400)
        #expect(response.text.contains("longer"))
        #expect(try await server.commit(id, size: 10, token: token).status == 400)
        await server.stop()
    }

    @Test func staleReservationsAreDiscarded() async throws {
        let server = try await CacheTestServer.start { $0.reservationTimeout = .zero }
        let token = server.token()
        let id = try await reserved(server, "abandoned", token: token)
        await server.server.store?.sweep()
        #expect(try await server.upload(id, Data("x".utf8), at: 0, token: token).status == 404)
        #expect(FileManager.default.fileExists(atPath: server.directory + "/uploads/\(id).part") == false)
        // The key is free again.
        #expect(try await server.reserve("abandoned", token: token).status == 200)
        await server.stop()
    }
}
