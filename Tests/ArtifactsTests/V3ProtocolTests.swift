import Foundation
import Testing
@testable import Artifacts

/// upload-artifact@v3 / download-artifact@v3 against the server, request for request.
@Suite struct V3ProtocolTests {
    @Test func uploadListDownloadRoundTrip() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let files: [(path: String, data: Data, gzip: Bool)] = [
            ("readme.txt", Data("hello artifacts\n".utf8), false),
            ("nested/dir/data.bin", TestData.random(100_000), false),
            ("nested/dir/deeper/notes with space+plus.txt", Data(String(repeating: "compressible line\n", count: 500).utf8), true),
            ("big.bin", TestData.random((9 << 20) + 12_345), false),
            ("big-gzip.bin", TestData.random((8 << 20) + 77), true),
            ("empty.txt", Data(), false),
        ]
        let container = try await toolkit.container("my artifact")
        #expect(container.hasPrefix(server.runtimeURL))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The toolkit uploads two files at a time.
            for file in files {
                group.addTask { try await toolkit.upload(container, name: "my artifact", path: file.path, file.data, gzip: file.gzip) }
            }
            try await group.waitForAll()
        }
        let finalized = try await toolkit.finalize("my artifact", size: files.reduce(0) { $0 + $1.data.count })
        #expect(finalized.status == 200, "\(finalized.text)")

        let listed = try await toolkit.list()
        #expect(listed.status == 200)
        #expect(listed.object["count"] as? Int == 1)
        let entries = try #require(listed.object["value"] as? [[String: Any]])
        #expect(entries.first?["name"] as? String == "my artifact")
        let listedContainer = try #require(entries.first?["fileContainerResourceUrl"] as? String)

        let items = try await toolkit.items(listedContainer, name: "my artifact")
        #expect(items.status == 200, "\(items.text)")
        let values = try #require(items.object["value"] as? [[String: Any]])
        #expect(Set(values.compactMap { $0["path"] as? String }) == Set(files.map { "my artifact/" + $0.path }))
        for item in values {
            #expect(item["itemType"] as? String == "file")
            let path = try #require(item["path"] as? String)
            let file = try #require(files.first { "my artifact/" + $0.path == path })
            if !file.gzip { #expect((item["fileLength"] as? Int) == file.data.count) }
            let download = try await toolkit.download(try #require(item["contentLocation"] as? String))
            #expect(download.status == 200)
            #expect(download.headers["content-encoding"] == (file.gzip ? "gzip" : nil))
            // URLSession undoes the gzip encoding as the toolkit does.
            #expect(download.body == file.data, "\(path)")
        }
        // The files sit in the directory as uploaded.
        let stored = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/4242/my artifact/nested/dir/data.bin"))
        #expect(stored == files[1].data)
        let storedBig = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/4242/my artifact/big.bin"))
        #expect(storedBig == files[3].data)
        #expect(FileManager.default.fileExists(atPath: server.directory + "/4242/my artifact/big-gzip.bin.gz__"))
        #expect(await server.server.store?.pendingFileCount == 0)
        await server.stop()
    }

    @Test func emptyRunListsNothing() async throws {
        let server = try await ArtifactTestServer.start()
        let listed = try await V3Toolkit(server).list()
        #expect(listed.status == 200)
        #expect(listed.object["count"] as? Int == 0)
        #expect((listed.object["value"] as? [Any])?.isEmpty == true)
        await server.stop()
    }

    @Test func unfinalizedArtifactIsNeitherListedNorServed() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("pending")
        try await toolkit.upload(container, name: "pending", path: "a.txt", Data("a".utf8))
        #expect(try await toolkit.list().object["count"] as? Int == 0)
        #expect(try await toolkit.items(container, name: "pending").status == 404)
        await server.stop()
    }

    @Test func chunksMayArriveOutOfOrderAndBeResent() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        let container = try await toolkit.container("art")
        let data = TestData.random(3000)
        let pieces = [2000..<3000, 0..<1000, 0..<1000, 1000..<2000]
        for piece in pieces {
            let result = try await toolkit.putChunk(container, itemPath: "art/f.bin", data.subdata(in: piece), start: piece.lowerBound,
                                                    uploadSize: data.count, originalSize: data.count, gzip: false)
            #expect(result.status == 200, "\(result.text)")
        }
        #expect(try await toolkit.finalize("art", size: data.count).status == 200)
        let items = try await toolkit.items(container, name: "art")
        let location = try #require((items.object["value"] as? [[String: Any]])?.first?["contentLocation"] as? String)
        #expect(try await toolkit.download(location).body == data)
        await server.stop()
    }

    @Test func uploadingAgainReplacesAFileAndMergesArtifacts() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = V3Toolkit(server)
        // Two matrix jobs upload to the same artifact name; the second rewrites one file.
        let first = try await toolkit.container("merged")
        try await toolkit.upload(first, name: "merged", path: "linux.txt", Data("old".utf8))
        #expect(try await toolkit.finalize("merged", size: 3).status == 200)
        let second = try await toolkit.container("merged")
        try await toolkit.upload(second, name: "merged", path: "linux.txt", Data("newer".utf8))
        try await toolkit.upload(second, name: "merged", path: "windows.txt", Data("win".utf8))
        #expect(try await toolkit.finalize("merged", size: 8).status == 200)
        #expect(try await toolkit.list().object["count"] as? Int == 1)
        let items = try #require(try await toolkit.items(second, name: "merged").object["value"] as? [[String: Any]])
        #expect(items.count == 2)
        let linux = try #require(items.first { $0["path"] as? String == "merged/linux.txt" })
        #expect(try await toolkit.download(try #require(linux["contentLocation"] as? String)).text == "newer")
        await server.stop()
    }
}
