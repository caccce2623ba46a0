import Engine
import Foundation
import HearthTestSupport
import Synchronization
import Testing

@Suite("Actions: remote actions over git smart HTTP")
struct RemoteActionTests {
    /// A git server on loopback with a composite action `acme/hello@v1` (and a sub-directory action).
    struct Server {
        let root: String
        let cache: String
        let git: GitHTTPServer

        init(token: String? = nil) throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-remote-\(UUID().uuidString.prefix(8))").path
            root = base + "/repos"
            cache = base + "/cache"
            try GitFixture.makeRepository(at: root, name: "acme/hello", files: [
                "action.yml": """
                    inputs:
                      who: {default: remote}
                    outputs:
                      said: {value: "${{ steps.s.outputs.said }}"}
                    runs:
                      using: composite
                      steps:
                        - id: s
                          shell: bash
                          run: |
                            echo "hello ${{ inputs.who }} from ${{ github.action_repository }}@${{ github.action_ref }}"
                            echo "said=yes" >> "$GITHUB_OUTPUT"
                    """,
                "sub/dir/action.yml": "runs:\n  using: composite\n  steps:\n    - shell: sh\n      run: echo from-subdir\n",
                "broken/action.yml": "runs:\n  using: composite\n  stepz: []\n",
                "js/action.yml": LocalActionTests.nodeAction,
                "js/pre.js": LocalActionTests.preJS, "js/main.js": LocalActionTests.mainJS, "js/post.js": LocalActionTests.postJS,
            ], tags: ["v1"])
            git = try GitHTTPServer(root: root, requiredToken: token)
        }

        func fetcher(token: String? = nil) -> ActionFetcher {
            ActionFetcher(cacheDirectory: cache, token: token)
        }
    }

    @Test("owner/repo@ref against the default actions URL, full URLs and sub-directories; outputs come back")
    func remoteComposite() async throws {
        let server = try Server()
        defer { server.git.stop() }
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - id: a
                    uses: acme/hello@v1
                    with: {who: short}
                  - uses: \(server.git.baseURL)/acme/hello@v1
                  - uses: acme/hello/sub/dir@v1
                  - run: echo "said=${{ steps.a.outputs.said }}"
            """)
        defer { harness.remove() }
        let fetcher = server.fetcher()
        let record = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = fetcher
        })
        #expect(record.result("t") == .success, "\(record.logs("t").map(\.text))")
        #expect(record.output("t") == ["hello short from acme/hello@v1", "hello remote from acme/hello@v1", "from-subdir", "said=yes"])
    }

    @Test("a remote JavaScript action runs pre (at job start) → main → post, with state between them")
    func remoteJavaScript() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/node") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/node"), "node is needed for JavaScript actions")
        let server = try Server()
        defer { server.git.stop() }
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: echo first step
                  - id: js
                    uses: acme/hello/js@v1
                    with: {my-input: given}
                  - run: echo "output=${{ steps.js.outputs.result }}"
            """)
        defer { harness.remove() }
        let fetcher = server.fetcher()
        let record = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = fetcher
        })
        #expect(record.result("t") == .success, "\(record.logs("t").map(\.text))")
        #expect(record.output("t") == [
            "pre ran, action path ok: true",
            "first step",
            "main: given s state=from-pre",
            "output=42",
            "post: state=from-pre yes",
        ])
    }

    @Test("a second job using the same action makes no network request")
    func cachedAcrossJobs() async throws {
        let server = try Server()
        defer { server.git.stop() }
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              first:
                runs-on: host
                steps: [{uses: acme/hello@v1}]
              second:
                needs: first
                runs-on: host
                steps: [{uses: acme/hello@v1}]
            """)
        defer { harness.remove() }
        let fetcher = server.fetcher()
        let git = server.git
        let counts = Mutex<[String: Int]>([:])
        let record = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = fetcher
        }, reaction: { event in
            if case .jobFinished(let key, _, _, _) = event { counts.withLock { $0[key.jobID] = git.requestCount } }
        })
        #expect(record.result("first") == .success && record.result("second") == .success)
        let seen = counts.withLock { $0 }
        #expect((seen["first"] ?? 0) > 0)
        #expect(seen["second"] == seen["first"], "the second job went to the network: \(server.git.requests)")
        // A later run with a new fetcher but the same cache: a tag is re-resolved once, nothing is downloaded again.
        let operations = await fetcher.networkOperations
        #expect(operations >= 1)
    }

    @Test("unknown ref, unknown repository and a bad action.yml are clear errors")
    func failures() async throws {
        let server = try Server()
        defer { server.git.stop() }
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              ref:
                runs-on: host
                steps: [{uses: acme/hello@v9}]
              repo:
                runs-on: host
                steps: [{uses: acme/nothing@v1}]
              broken:
                runs-on: host
                steps: [{uses: acme/hello/broken@v1}]
            """)
        defer { harness.remove() }
        let fetcher = server.fetcher()
        let record = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = fetcher
        })
        #expect(record.result("ref") == .failure)
        #expect(record.logs("ref").contains { $0.text.contains("v9") })
        #expect(record.result("repo") == .failure)
        #expect(record.logs("repo").contains { $0.text.contains("acme/nothing") })
        #expect(record.result("broken") == .failure)
        #expect(record.logs("broken").contains { $0.text.contains("action.yml") && $0.text.contains("stepz") })
    }

    @Test("a token-protected server needs the token, which never appears in the log")
    func tokenAuth() async throws {
        let token = "tok-\(UUID().uuidString.prefix(8))"
        let server = try Server(token: token)
        defer { server.git.stop() }
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps: [{uses: acme/hello@v1}]
            """)
        defer { harness.remove() }
        let denied = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = server.fetcher(token: "wrong")
        })
        #expect(denied.result("t") == .failure)
        #expect(!denied.allText.contains("wrong"))
        let allowed = await harness.run(configure: {
            $0.defaultActionsURL = server.git.baseURL
            $0.actionFetcher = ActionFetcher(cacheDirectory: server.cache + "-2", token: token)
        })
        #expect(allowed.result("t") == .success)
        #expect(!allowed.allText.contains(token))
    }
}
