import Foundation
import Testing
@testable import Artifacts

/// Runtime tokens and signed URLs: who may do what.
@Suite struct AuthorizationTests {
    @Test func v3NeedsAValidTokenForTheRun() async throws {
        let server = try await ArtifactTestServer.start()
        var toolkit = V3Toolkit(server)
        toolkit.token = nil
        #expect(try await toolkit.list().status == 401)
        toolkit.token = "not-a-jwt"
        #expect(try await toolkit.list().status == 401)
        toolkit.token = RuntimeTokenSigner(key: Array("another key".utf8)).issue(runID: "4242", jobID: "1", lifetime: .seconds(60))
        #expect(try await toolkit.list().status == 401)
        toolkit.token = server.server.tokens.issue(runID: "4242", jobID: "1", lifetime: .seconds(60),
                                                   now: Date(timeIntervalSinceNow: -3600))
        #expect(try await toolkit.list().status == 401)
        // Another run's token, or this run's token on another run's URLs.
        toolkit.token = server.server.environment(runID: "7")["ACTIONS_RUNTIME_TOKEN"]
        #expect(try await toolkit.list().status == 403)
        #expect(try await toolkit.create("x").status == 403)
        toolkit.token = server.token
        toolkit.runID = "7"
        #expect(try await toolkit.list().status == 403)
        let basic = try await server.send("GET", V3Toolkit(server).artifactURL, headers: ["Authorization": "Basic eDp5"], token: nil)
        #expect(basic.status == 401)
        await server.stop()
    }

    @Test func v3DownloadsNeedTheToken() async throws {
        let server = try await ArtifactTestServer.start()
        var toolkit = V3Toolkit(server)
        let container = try await toolkit.container("art")
        try await toolkit.upload(container, name: "art", path: "a.txt", Data("a".utf8))
        #expect(try await toolkit.finalize("art", size: 1).status == 200)
        toolkit.token = nil
        #expect(try await toolkit.download(container + "/content?itemPath=art%2Fa.txt").status == 401)
        #expect(try await toolkit.items(container, name: "art").status == 401)
        await server.stop()
    }

    @Test func twirpNeedsAValidTokenForTheRun() async throws {
        let server = try await ArtifactTestServer.start()
        var toolkit = try V4Toolkit(server)
        toolkit.token = nil
        let anonymous = try await toolkit.call("ListArtifacts", [:])
        #expect(anonymous.status == 401)
        #expect(anonymous.object["code"] as? String == "unauthenticated")
        toolkit.token = RuntimeTokenSigner(key: Array("forged".utf8)).issue(runID: "4242", jobID: "1", lifetime: .seconds(60))
        #expect(try await toolkit.call("CreateArtifact", ["name": "x"]).status == 401)
        toolkit.token = server.server.environment(runID: "9")["ACTIONS_RUNTIME_TOKEN"]
        let otherRun = try await toolkit.call("CreateArtifact", ["name": "x"])
        #expect(otherRun.status == 403)
        #expect(otherRun.object["code"] as? String == "permission_denied")
        await server.stop()
    }

    @Test func blobURLsMustBeSignedAndCurrent() async throws {
        let server = try await ArtifactTestServer.start()
        let toolkit = try V4Toolkit(server)
        let url = try await toolkit.create("signed")
        let components = try #require(URLComponents(string: url))
        let path = server.runtimeURL.dropLast() + components.path
        let id = try #require(Int64(components.path.split(separator: "/").last ?? ""))

        let forged = url.replacingOccurrences(of: "sig=", with: "sig=00")
        #expect(try await server.send("PUT", forged, body: Data("x".utf8), token: nil).status == 401)
        #expect(try await server.send("PUT", path + "?comp=block&blockid=AA==", body: Data("x".utf8), token: nil).status == 401)
        let signer = server.server.urlSigner
        let expired = signer.url(base: server.runtimeURL, purpose: .upload, runID: "4242", artifactID: id,
                                 expires: Int64(Date().timeIntervalSince1970) - 1)
        #expect(try await server.send("PUT", expired, body: Data("x".utf8), token: nil).status == 401)
        // A later expiry with the old signature is a forgery too.
        let stretched = url.replacingOccurrences(of: "expires=", with: "expires=9")
        #expect(try await server.send("PUT", stretched, body: Data("x".utf8), token: nil).status == 401)
        // A download URL does not upload, and an upload URL does not download.
        let downloadURL = signer.url(base: server.runtimeURL, purpose: .download, runID: "4242", artifactID: id)
        #expect(try await server.send("PUT", downloadURL.replacingOccurrences(of: "DownloadArtifact", with: "UploadArtifact"),
                                      body: Data("x".utf8), token: nil).status == 401)
        #expect(try await server.send("PUT", url, body: Data("x".utf8), token: nil).status == 201)
        #expect(try await toolkit.finalize("signed", size: 1).status == 200)
        let expiredDownload = signer.url(base: server.runtimeURL, purpose: .download, runID: "4242", artifactID: id,
                                         expires: Int64(Date().timeIntervalSince1970) - 1)
        #expect(try await server.send("GET", expiredDownload, token: nil).status == 401)
        #expect(try await server.send("GET", url.replacingOccurrences(of: "UploadArtifact", with: "DownloadArtifact"), token: nil).status == 401)
        #expect(try await server.send("GET", downloadURL, token: nil).status == 200)
        await server.stop()
    }

    @Test func runtimeTokensCarryTheResultsScope() throws {
        let signer = RuntimeTokenSigner(key: Array("k".utf8))
        let token = signer.issue(runID: "12", jobID: "34", lifetime: .seconds(60))
        #expect(try V4Toolkit.backendIDs(fromToken: token) == ("12", "34"))
        #expect(signer.validate(Substring(token)) == RuntimeTokenSigner.Grant(runID: "12", jobID: "34"))
        #expect(signer.validate(Substring(token + "x")) == nil)
    }
}
