import Foundation
import Testing
@testable import Artifacts

/// upload-artifact@v4 / download-artifact@v4 against the server: Twirp calls and blob transfers.
@Suite struct V4ProtocolTests {
    @Test func uploadListDownloadDeleteRoundTrip() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = try V4Toolkit(server)
        #expect(toolkit.runBackendID == "4242")
        let zip = TestData.random((9 << 20) + 999)
        let uploadURL = try await toolkit.create("build-output")
        #expect(uploadURL.hasPrefix(server.runtimeURL))
        try await toolkit.uploadBlocks(uploadURL, zip, blockSize: 4 << 20)
        let finalized = try await toolkit.finalize("build-output", size: zip.count, hash: "sha256:abc")
        #expect(finalized.status == 200, "\(finalized.text)")
        #expect(finalized.object["ok"] as? Bool == true)
        let id = try #require(finalized.object["artifactId"] as? String)

        let listed = try await toolkit.list()
        #expect(listed.count == 1)
        let entry = try #require(listed.first)
        #expect(entry["name"] as? String == "build-output")
        #expect(entry["databaseId"] as? String == id)
        #expect(entry["size"] as? String == String(zip.count))
        #expect(entry["workflowRunBackendId"] as? String == "4242")
        #expect(entry["workflowJobRunBackendId"] as? String == toolkit.jobBackendID)
        #expect(entry["digest"] as? String == "sha256:abc")
        let created = try #require(entry["createdAt"] as? String)
        #expect(ISO8601DateFormatter().date(from: created) != nil)
        #expect(try await toolkit.list(name: "build-output").count == 1)
        #expect(try await toolkit.list(name: "other").isEmpty)
        #expect(try await toolkit.list(id: id).count == 1)
        #expect(try await toolkit.list(id: "999").isEmpty)

        let signed = try await toolkit.signedURL("build-output")
        #expect(signed.status == 200)
        let downloadURL = try #require(signed.object["signedUrl"] as? String)
        let download = try await server.send("GET", downloadURL, token: nil)
        #expect(download.status == 200)
        #expect(download.headers["content-type"] == "application/zip")
        #expect(download.body == zip)
        let stored = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/4242/build-output/build-output.zip"))
        #expect(stored == zip)

        let deleted = try await toolkit.call("DeleteArtifact", ["name": "build-output"])
        #expect(deleted.status == 200)
        #expect(deleted.object["artifactId"] as? String == id)
        #expect(try await toolkit.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: server.directory + "/4242/build-output"))
        #expect(try await server.send("GET", downloadURL, token: nil).status == 404)
        await server.stop()
    }

    @Test func appendBlobsAndWholeBlobPuts() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = try V4Toolkit(server)
        let data = TestData.random(300_000)
        let url = try await toolkit.create("appended")
        for range in [0..<100_000, 100_000..<250_000, 250_000..<300_000] {
            let result = try await server.send("PUT", url + "&comp=appendBlock", body: data.subdata(in: range), token: nil)
            #expect(result.status == 201)
        }
        #expect(try await toolkit.finalize("appended", size: data.count).status == 200)

        let whole = try await toolkit.create("whole")
        #expect(try await server.send("PUT", whole, body: Data("zip bytes".utf8), headers: ["x-ms-blob-type": "BlockBlob"], token: nil).status == 201)
        #expect(try await toolkit.finalize("whole", size: 9).status == 200)

        for (name, expected) in [("appended", data), ("whole", Data("zip bytes".utf8))] {
            let signed = try await toolkit.signedURL(name)
            let download = try await server.send("GET", try #require(signed.object["signedUrl"] as? String), token: nil)
            #expect(download.body == expected)
        }
        await server.stop()
    }

    @Test func blockListOrderWinsAndUnknownBlocksAreRejected() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = try V4Toolkit(server)
        let url = try await toolkit.create("ordered")
        #expect(try await toolkit.stageBlock(url, id: "Yg==", Data("second".utf8)).status == 201)
        #expect(try await toolkit.stageBlock(url, id: "YQ+/", Data("first-".utf8)).status == 201)
        #expect(try await toolkit.commitBlocks(url, ids: ["YQ+/", "missing"]).status == 400)
        #expect(try await toolkit.commitBlocks(url, ids: ["YQ+/", "Yg=="]).status == 201)
        #expect(try await toolkit.finalize("ordered", size: 11).status == 400)
        #expect(try await toolkit.finalize("ordered", size: 12).status == 200)
        let signed = try await toolkit.signedURL("ordered")
        let download = try await server.send("GET", try #require(signed.object["signedUrl"] as? String), token: nil)
        #expect(download.text == "first-second")
        await server.stop()
    }

    @Test func namesAreUniquePerRunAndUnknownOnesNotFound() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = try V4Toolkit(server)
        let url = try await toolkit.create("once")
        _ = try await server.send("PUT", url, body: Data("z".utf8), token: nil)
        #expect(try await toolkit.finalize("once", size: 1).status == 200)
        let again = try await toolkit.call("CreateArtifact", ["name": "once", "version": 4])
        #expect(again.status == 409)
        #expect(again.object["code"] as? String == "already_exists")

        let finalizeUnknown = try await toolkit.finalize("never", size: 1)
        #expect(finalizeUnknown.status == 404)
        #expect(finalizeUnknown.object["code"] as? String == "not_found")
        #expect(try await toolkit.signedURL("never").status == 404)
        #expect(try await toolkit.call("DeleteArtifact", ["name": "never"]).status == 404)
        #expect(try await toolkit.call("NoSuchMethod", [:]).status == 404)
        #expect(try await toolkit.call("CreateArtifact", ["name": "a/b", "version": 4]).status == 400)
        #expect(try await toolkit.call("CreateArtifact", ["name": "..", "version": 4]).status == 400)
        // A finalized artifact takes no more data.
        #expect(try await server.send("PUT", url, body: Data("z".utf8), token: nil).status == 409)
        await server.stop()
    }

    @Test func blockListsParse() throws {
        let xml = #"<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>AAA=</Latest><Committed>B+/=</Committed><Uncommitted>C&amp;</Uncommitted></BlockList>"#
        #expect(try ArtifactResponder.blockIDs(in: Data(xml.utf8)) == ["AAA=", "B+/=", "C&"])
        #expect(throws: ArtifactFailure.self) { try ArtifactResponder.blockIDs(in: Data("nonsense".utf8)) }
    }
}
