import Engine
import Foundation
import HearthTestSupport
import Testing

@Suite struct ActionFetchErrorTests {
    private func failure(_ body: () async throws -> FetchedAction) async -> ActionFetchError? {
        do {
            _ = try await body()
            return nil
        } catch let error as ActionFetchError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func unknownRepository() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let error = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/missing@v1")) }
        let url = "\(sandbox.server.baseURL)/owner/missing"
        #expect(error == .repositoryNotFound(url: url))
        #expect(error?.description == "repository \(url) not found")
    }

    @Test func unknownRef() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let url = "\(sandbox.server.baseURL)/owner/repo"

        let error = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo@v9")) }
        #expect(error == .refNotFound(ref: "v9", url: url))
        #expect(error?.description == "ref 'v9' not found in \(url)")

        let short = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo@abc1234")) }
        #expect(short?.description.contains("use the full 40-character sha") == true)

        let sha = String(repeating: "b", count: 40)
        let unknownSha = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo@\(sha)")) }
        #expect(unknownSha == .refNotFound(ref: sha, url: url))
    }

    @Test func unknownRefAfterAnEarlierResolution() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        try await _ = sandbox.fetcher().fetch(sandbox.remote("owner/repo@v1"))
        try GitFixture.deleteRef(at: sandbox.repositories, name: "owner/repo", ref: "refs/tags/v1")

        let error = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo@v1")) }
        #expect(error == .refNotFound(ref: "v1", url: "\(sandbox.server.baseURL)/owner/repo"))
    }

    @Test func missingSubPath() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let url = "\(sandbox.server.baseURL)/owner/repo"

        let error = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo/no/such@v1")) }
        #expect(error == .pathNotFound(path: "no/such", url: url, ref: "v1"))
        #expect(error?.description == "directory 'no/such' not found in \(url)@v1")

        let file = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo/README.md@v1")) }
        #expect(file == .pathNotFound(path: "README.md", url: url, ref: "v1"))
    }

    @Test func missingActionFile() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        try sandbox.repository("owner/plain", files: ["README.md": "not an action\n"], tags: ["v1"])
        let url = "\(sandbox.server.baseURL)/owner/repo"

        let error = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/repo/docs@v1")) }
        #expect(error == .actionFileMissing(path: "docs", url: url, ref: "v1"))
        #expect(error?.description == "no action.yml or action.yaml in 'docs' of \(url)@v1")

        let root = await failure { try await sandbox.fetcher().fetch(sandbox.remote("owner/plain@v1")) }
        #expect(root?.description == "no action.yml or action.yaml at the root of \(sandbox.server.baseURL)/owner/plain@v1")
    }

    @Test func invalidRefOfAHandMadeAction() async throws {
        let fetcher = ActionFetcher(cacheDirectory: FileManager.default.temporaryDirectory.path + "/unused-\(UUID().uuidString)")
        let action = RemoteAction(baseURL: "http://127.0.0.1:1", owner: "o", repo: "r", ref: "--upload-pack=touch /tmp/x")
        let error = await failure { try await fetcher.fetch(action) }
        #expect(error == .invalidRef(ref: "--upload-pack=touch /tmp/x", reason: "may not start with '-'"))
        #expect(await fetcher.networkOperations == 0)
    }

    @Test func tokenRequired() async throws {
        let token = "hearth-secret-token-1234"
        let sandbox = try ActionFetchSandbox(token: token)
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let url = "\(sandbox.server.baseURL)/owner/repo"
        let action = try sandbox.remote("owner/repo@v1")

        let absent = await failure { try await sandbox.fetcher().fetch(action) }
        #expect(absent == .authenticationRequired(url: url))
        #expect(absent?.description == "authentication required for \(url), and no token was sent")

        let wrong = await failure { try await sandbox.fetcher(token: "not-the-token").fetch(action) }
        #expect(wrong == .authenticationFailed(url: url))
        #expect(wrong?.description == "authentication failed for \(url): the token was rejected")
        #expect(wrong?.description.contains("not-the-token") == false)

        // A token only for another host is not sent.
        let elsewhere = await failure {
            try await sandbox.fetcher(token: token, tokenHosts: ["code.forgejo.org"]).fetch(action)
        }
        #expect(elsewhere == .authenticationRequired(url: url))

        // The host alone (any port), host:port and the URL all admit it.
        for hosts in [["127.0.0.1"], ["127.0.0.1:\(sandbox.server.port)"], ["other", "127.0.0.1"]] {
            #expect(try await sandbox.fetcher(token: token, tokenHosts: Set(hosts)).fetch(action).commit == commit)
        }
        let otherPort = await failure {
            try await sandbox.fetcher(token: token, tokenHosts: ["127.0.0.1:1"]).fetch(action)
        }
        #expect(otherPort == .authenticationRequired(url: url))

        let fetcher = sandbox.fetcher(token: token, tokenHosts: [sandbox.server.baseURL])
        let fetched = try await fetcher.fetch(action)
        #expect(fetched.commit == commit)
        let sha = try await fetcher.fetch(sandbox.remote("owner/repo@\(commit)"))
        #expect(sha.commit == commit)
    }

    @Test(.enabled(if: GitHTTPServerTests.loopbackIPv6)) func tokenToAnIPv6Host() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let server = try GitHTTPServer(root: sandbox.repositories, requiredToken: "v6token", addressFamily: .ipv6)
        defer { server.stop() }
        let action = try #require(ActionReference(parsing: "owner/repo@v1", defaultBaseURL: server.baseURL).remote)
        for hosts in [["::1"], ["[::1]"], ["[::1]:\(server.port)"], [server.baseURL]] {
            let fetcher = sandbox.fetcher(token: "v6token", tokenHosts: Set(hosts))
            #expect(try await fetcher.fetch(action).commit == commit, "\(hosts)")
        }
        let refused = await failure { try await sandbox.fetcher(token: "v6token", tokenHosts: ["127.0.0.1"]).fetch(action) }
        #expect(refused == .authenticationRequired(url: "\(server.baseURL)/owner/repo"))
    }

    @Test func theTokenNeverAppearsInErrors() async throws {
        let token = "hearth-secret-token-5678"
        let sandbox = try ActionFetchSandbox(token: token)
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let fetcher = sandbox.fetcher(token: token)
        let encoded = Data("token:\(token)".utf8).base64EncodedString()

        var messages: [String] = []
        for uses in ["owner/repo@v9", "owner/missing@v1", "owner/repo/nope@v1", "owner/repo/scripts@v1"] {
            if let error = await failure({ try await fetcher.fetch(sandbox.remote(uses)) }) {
                messages.append(error.description)
            }
        }
        // Credentials in the URL: wrong ones, right ones to a missing repository.
        let host = sandbox.server.baseURL.replacingOccurrences(of: "http://", with: "")
        for uses in ["http://user:wrong-\(token)@\(host)/owner/repo@v1", "http://user:\(token)@\(host)/owner/missing@v1"] {
            if let error = await failure({ try await sandbox.fetcher().fetch(sandbox.remote(uses)) }) {
                messages.append(error.description)
            }
        }
        sandbox.server.stop()
        if let error = await failure({ try await fetcher.fetch(sandbox.remote("owner/repo@main")) }) {
            messages.append(error.description)
        }

        #expect(messages.count == 7)
        for message in messages {
            #expect(!message.contains(token), "\(message)")
            #expect(!message.contains(encoded), "\(message)")
        }
        #expect(messages[4] == "authentication failed for \(sandbox.server.baseURL)/owner/repo: the token was rejected")
    }
}
