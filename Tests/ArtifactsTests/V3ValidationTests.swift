import Foundation
import Testing
@testable import Artifacts

/// What the v3 endpoints refuse: bad ranges, paths leaving the artifact, unknown artifacts.
@Suite struct V3ValidationTests {
    @Test func badContentRangesAreRejected() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("art")
        let url = container + "?itemPath=art%2Ff.bin"
        let data = Data(repeating: 7, count: 10)
        for range in ["bytes 0-9/*", "bytes 5-2/10", "bytes 0-9/5", "items 0-9/10", "bytes a-9/10", "bytes 0-9"] {
            let result = try await server.send("PUT", url, body: data, headers: ["Content-Range": range], token: server.token)
            #expect(result.status == 400, "\(range): \(result.text)")
        }
        let missing = try await server.send("PUT", url, body: data, token: server.token)
        #expect(missing.status == 400)
        // The body must be as long as the range.
        let short = try await toolkit.putChunk(container, itemPath: "art/f.bin", Data(repeating: 1, count: 4), start: 0,
                                               uploadSize: 10, originalSize: 10, gzip: false,
                                               extraHeaders: ["Content-Range": "bytes 0-9/10"])
        #expect(short.status == 400)
        let long = try await server.send("PUT", url, body: Data(repeating: 1, count: 20),
                                         headers: ["Content-Range": "bytes 0-9/10"], token: server.token)
        #expect(long.status == 400)
        let encoding = try await toolkit.putChunk(container, itemPath: "art/f.bin", data, start: 0, uploadSize: 10, originalSize: 10,
                                                  gzip: false, extraHeaders: ["Content-Encoding": "br"])
        #expect(encoding.status == 400)
        #expect(await server.server.store?.pendingFileCount == 0)
        await server.stop()
    }

    @Test func pathsLeavingTheArtifactAreRejected() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("art")
        for path in ["art/../escape.txt", "art/a/../../escape.txt", "/etc/passwd", "art//double", "art/./dot", "../art/x",
                     "art", "art/", "art/x.gz__", "a:b/x"] {
            let result = try await toolkit.putChunk(container, itemPath: path, Data("x".utf8), start: 0, uploadSize: 1,
                                                    originalSize: 1, gzip: false)
            #expect(result.status == 400, "\(path): \(result.status) \(result.text)")
        }
        #expect(try await toolkit.create("../up").status == 400)
        #expect(try await toolkit.create("").status == 400)
        let contents = try FileManager.default.contentsOfDirectory(atPath: server.directory).filter { !$0.hasPrefix(".") }
        #expect(contents.isEmpty, "\(contents)")
        // Downloads check the same way.
        #expect(try await toolkit.download(server.runtimeURL + "_apis/resources/Containers/4242/content?itemPath=art%2F..%2F..%2Fx").status == 400)
        await server.stop()
    }

    @Test func unknownRunsArtifactsAndFilesAreNotFound() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = server.runtimeURL + "_apis/resources/Containers/4242"
        let upload = try await toolkit.putChunk(container, itemPath: "never-created/a.txt", Data("x".utf8), start: 0,
                                                uploadSize: 1, originalSize: 1, gzip: false)
        #expect(upload.status == 404)
        #expect(try await toolkit.finalize("never-created", size: 1).status == 404)
        #expect(try await toolkit.items(container, name: "never-created").status == 404)

        let real = try await toolkit.container("real")
        try await toolkit.upload(real, name: "real", path: "a.txt", Data("a".utf8))
        #expect(try await toolkit.finalize("real", size: 1).status == 200)
        #expect(try await toolkit.download(real + "/content?itemPath=real%2Fmissing.txt").status == 404)
        #expect(try await server.send("GET", server.runtimeURL + "_apis/nothing", token: server.token).status == 404)
        #expect(try await server.send("DELETE", toolkit.artifactURL, token: server.token).status == 405)
        await server.stop()
    }

    @Test func filesAndDirectoriesCannotTakeEachOthersPlace() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("art")
        try await toolkit.upload(container, name: "art", path: "a", Data("file".utf8))
        let clash = try await toolkit.putChunk(container, itemPath: "art/a/b", Data("x".utf8), start: 0, uploadSize: 1,
                                               originalSize: 1, gzip: false)
        #expect(clash.status == 409)
        await server.stop()
    }

    @Test func chunkRangesParse() {
        #expect(ChunkRange.parse("bytes 0-9/10") == ChunkRange(range: 0..<10, total: 10))
        #expect(ChunkRange.parse("bytes 8388608-9000000/9000001") == ChunkRange(range: 8_388_608..<9_000_001, total: 9_000_001))
        #expect(ChunkRange.parse("bytes 0--1/0") == ChunkRange(range: 0..<0, total: 0))
        #expect(ChunkRange.parse("bytes 0-10/10") == nil)
        #expect(ChunkRange.parse("bytes 0-1/*") == nil)
        #expect(ChunkRange.parse("bytes -1-5/10") == nil)
    }
}
