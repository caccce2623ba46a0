import Foundation
import Testing
@testable import Cache

/// Tokens: required on every request, scoped to one repository (and optionally one ref).
@Suite struct AuthorizationTests {
    @Test func aMissingTokenIsUnauthorized() async throws {
        let server = try await CacheTestServer.start()
        let result = try await server.send("GET", "http://127.0.0.1:\(server.port)/_apis/artifactcache/cache?keys=a&version=v1")
        #expect(result.status == 401)
        #expect(result.message?.contains("token") == true)
        #expect(result.headers["content-type"]?.hasPrefix("application/json") == true)
        let emptySegment = try await server.send("GET", "http://127.0.0.1:\(server.port)//_apis/artifactcache/cache?keys=a")
        #expect(emptySegment.status == 401)
        await server.stop()
    }

    @Test func badTokensAreForbidden() async throws {
        let server = try await CacheTestServer.start()
        let base = "http://127.0.0.1:\(server.port)/"
        let forged = CacheTokenSigner(secret: "another-secret").issue(repository: "owner/repo", ref: nil)
        let expired = CacheTokenSigner(secret: "test-secret").issue(repository: "owner/repo", ref: nil, lifetime: .seconds(60),
                                                                    now: Date(timeIntervalSinceNow: -3600))
        var tampered = Array(server.token())
        tampered[3] = tampered[3] == "A" ? "B" : "A"
        for token in ["garbage", "a.b", forged, expired, String(tampered)] {
            let result = try await server.send("GET", base + token + "/_apis/artifactcache/cache?keys=a&version=v1")
            #expect(result.status == 403, "token \(token)")
            #expect(result.message?.contains("invalid") == true)
        }
        await server.stop()
    }

    @Test func theBearerHeaderIsAcceptedToo() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        try await server.save("header-form", Data("x".utf8), token: token)
        let url = "http://127.0.0.1:\(server.port)/_apis/artifactcache/cache?keys=header-form&version=v1"
        let found = try await server.send("GET", url, headers: ["Authorization": "Bearer \(token)"])
        #expect(found.status == 200)
        // The archive location carries the token in its path: downloads send no header.
        let location = try #require(found.json["archiveLocation"] as? String)
        #expect(location.contains("/\(token)/_apis/artifactcache/artifacts/"))
        #expect(try await server.send("GET", url, headers: ["Authorization": "Bearer nope"]).status == 403)
        await server.stop()
    }

    @Test func aPathTokenWinsOverTheForgesRuntimeToken() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        // Jobs send Forgejo's ACTIONS_RUNTIME_TOKEN as a bearer token; the path token decides.
        let result = try await server.call("GET", "cache?keys=a&version=v1", token: token,
                                           headers: ["Authorization": "Bearer some.forgejo.jwt"])
        #expect(result.status == 204)
        await server.stop()
    }

    @Test func anotherRepositorySeesNothing() async throws {
        let server = try await CacheTestServer.start()
        let mine = server.token("owner/repo")
        let theirs = server.token("owner/other")
        let id = try await server.save("shared-name", Data("secret".utf8), token: mine)

        #expect(try await server.lookup(["shared-name"], token: theirs).status == 204)
        #expect(try await server.call("GET", "artifacts/\(id)", token: theirs).status == 404)
        // They can have their own entry under the same key.
        try await server.save("shared-name", Data("theirs".utf8), token: theirs)
        #expect(try await server.restore(["shared-name"], token: theirs)?.data == Data("theirs".utf8))
        #expect(try await server.restore(["shared-name"], token: mine)?.data == Data("secret".utf8))
        // Repository names compare case-insensitively.
        #expect(try await server.restore(["shared-name"], token: server.token("Owner/Repo"))?.data == Data("secret".utf8))
        await server.stop()
    }

    @Test func anotherRepositoryCannotTouchAnUpload() async throws {
        let server = try await CacheTestServer.start()
        let mine = server.token("owner/repo")
        let theirs = server.token("evil/repo")
        let reserved = try await server.reserve("in-progress", size: 4, token: mine)
        let id = try #require(reserved.json["cacheId"] as? Int64)
        #expect(try await server.upload(id, Data("evil".utf8), at: 0, token: theirs).status == 404)
        #expect(try await server.commit(id, size: 0, token: theirs).status == 404)
        #expect(try await server.upload(id, Data("good".utf8), at: 0, token: mine).status == 200)
        #expect(try await server.commit(id, size: 4, token: mine).status == 200)
        #expect(try await server.restore(["in-progress"], token: mine)?.data == Data("good".utf8))
        await server.stop()
    }

    @Test func isolatedRefsKeepTheirWritesToThemselves() async throws {
        let server = try await CacheTestServer.start()
        let trusted = server.token("owner/repo")
        let pullRequest = server.token("owner/repo", ref: "refs/pull/7/head")
        let otherPullRequest = server.token("owner/repo", ref: "refs/pull/8/head")
        try await server.save("deps-main", Data("main".utf8), token: trusted)
        try await server.save("deps-pr", Data("pr".utf8), token: pullRequest)

        // A pull request restores the shared entries...
        #expect(try await server.restore(["deps-main"], token: pullRequest)?.data == Data("main".utf8))
        // ...but its own saves stay invisible to everyone else.
        #expect(try await server.lookup(["deps-pr"], token: trusted).status == 204)
        #expect(try await server.lookup(["deps-pr"], token: otherPullRequest).status == 204)
        #expect(try await server.restore(["deps-pr"], token: pullRequest)?.data == Data("pr".utf8))
        // Its own ref is searched first, even when the shared entry is newer.
        try await server.save("deps-x", Data("pr-x".utf8), token: pullRequest)
        try await server.save("deps-x", Data("main-x".utf8), token: trusted)
        #expect(try await server.restore(["deps-x"], token: pullRequest)?.data == Data("pr-x".utf8))
        #expect(try await server.restore(["deps-x"], token: trusted)?.data == Data("main-x".utf8))
        await server.stop()
    }
}
