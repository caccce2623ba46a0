import Backends
import Foundation
import HearthTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct GitHTTPServerTests {
    /// Whether this machine has a usable [::1].
    static let loopbackIPv6: Bool = {
        guard let server = try? GitHTTPServer(root: FileManager.default.temporaryDirectory.path, addressFamily: .ipv6) else {
            return false
        }
        server.stop()
        return true
    }()

    @Test func servesCloneAndLsRemoteWithAndWithoutDotGit() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])

        for suffix in ["", ".git"] {
            let listing = try await git(["ls-remote", "\(sandbox.server.url(of: "owner/repo"))\(suffix)"], in: sandbox.root)
            #expect(listing.exitCode == 0)
            #expect(listing.lines.contains("\(commit)\trefs/tags/v1"))
            #expect(listing.lines.contains("\(commit)\trefs/heads/main"))
        }
        #expect(sandbox.server.requests.first == "GET /owner/repo/info/refs?service=git-upload-pack")
        #expect(sandbox.server.requests.contains("GET /owner/repo.git/info/refs?service=git-upload-pack"))
        sandbox.server.resetCounters()
        #expect(sandbox.server.requestCount == 0)
        #expect(sandbox.server.requests.isEmpty)

        let missing = try await git(["ls-remote", sandbox.server.url(of: "owner/missing")], in: sandbox.root)
        #expect(missing.exitCode != 0)
        #expect(missing.text.contains("not found"))
    }

    @Test func handlesConcurrentClones() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        var files = sampleActionFiles
        for index in 0..<40 { files["data/file\(index).txt"] = String(repeating: "line \(index)\n", count: 200) }
        let commit = try sandbox.repository(files: files, tags: ["v1"])

        let results = try await withThrowingTaskGroup(of: (Int32, String).self) { group in
            for index in 0..<6 {
                let target = "\(sandbox.root)/clone\(index)"
                group.addTask {
                    let clone = try await git(["clone", "--quiet", sandbox.server.url(of: "owner/repo"), target], in: sandbox.root)
                    let head = try await git(["-C", target, "rev-parse", "HEAD"], in: sandbox.root)
                    return (clone.exitCode, head.lines.first ?? "")
                }
            }
            return try await group.reduce(into: [(Int32, String)]()) { $0.append($1) }
        }
        #expect(results.count == 6)
        for (code, head) in results {
            #expect(code == 0)
            #expect(head == commit)
        }
        #expect(contents("\(sandbox.root)/clone3/data/file39.txt") == String(repeating: "line 39\n", count: 200))
        #expect(sandbox.server.requestCount >= 12)
    }

    @Test func basicAuthentication() async throws {
        let sandbox = try ActionFetchSandbox(token: "letmein")
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles)
        let url = URL(string: "\(sandbox.server.url(of: "owner/repo"))/info/refs?service=git-upload-pack")!

        let (_, anonymous) = try await URLSession.shared.data(for: URLRequest(url: url))
        let denied = try #require(anonymous as? HTTPURLResponse)
        #expect(denied.statusCode == 401)
        #expect(denied.value(forHTTPHeaderField: "WWW-Authenticate") == "Basic realm=\"git\"")

        var wrong = URLRequest(url: url)
        wrong.setValue("Basic \(Data("x:nope".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        let (_, wrongResponse) = try await URLSession.shared.data(for: wrong)
        #expect((wrongResponse as? HTTPURLResponse)?.statusCode == 401)

        var right = URLRequest(url: url)
        right.setValue("Basic \(Data("x:letmein".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        let (body, rightResponse) = try await URLSession.shared.data(for: right)
        let accepted = try #require(rightResponse as? HTTPURLResponse)
        #expect(accepted.statusCode == 200)
        #expect(accepted.value(forHTTPHeaderField: "Content-Type") == "application/x-git-upload-pack-advertisement")
        #expect(String(decoding: body, as: UTF8.self).contains("service=git-upload-pack"))
        #expect(sandbox.server.requestCount == 3)
    }

    /// A push larger than git's post buffer arrives with chunked transfer coding.
    @Test func acceptsAChunkedPush() async throws {
        let sandbox = try ActionFetchSandbox(token: "pushtoken")
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles)
        let authenticated = sandbox.server.baseURL.replacingOccurrences(of: "http://", with: "http://pusher:pushtoken@")
        let work = "\(sandbox.root)/work"

        #expect(try await git(["clone", "--quiet", "\(authenticated)/owner/repo", work], in: sandbox.root).exitCode == 0)
        var generator = SplitMix(seed: 42)
        let noise = Data((0..<(3 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try noise.write(to: URL(fileURLWithPath: "\(work)/noise.bin"))
        #expect(try await git(["-C", work, "add", "noise.bin"], in: work).exitCode == 0)
        #expect(try await git(["-C", work, "commit", "--quiet", "-m", "noise"], in: work).exitCode == 0)
        let pushed = try await git(["-C", work, "push", "--quiet", "origin", "HEAD:refs/heads/main"], in: work)
        #expect(pushed.exitCode == 0, "\(pushed.text)")

        let local = try await git(["-C", work, "rev-parse", "HEAD"], in: work).lines.first
        let remote = try GitFixture.git(["-C", GitFixture.repositoryPath(root: sandbox.repositories, name: "owner/repo"), "rev-parse", "main"])
        #expect(local == remote)
        #expect(sandbox.server.requests.contains("POST /owner/repo/git-receive-pack"))
    }

    @Test func stopRefusesNewConnections() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles)
        sandbox.server.stop()
        sandbox.server.stop()
        let listing = try await git(["ls-remote", sandbox.server.url(of: "owner/repo")], in: sandbox.root)
        #expect(listing.exitCode != 0)
        #expect(listing.text.contains("Couldn't connect") || listing.text.contains("Failed to connect"))
        #expect(sandbox.server.requestCount == 0)
    }

    @Test(.enabled(if: GitHTTPServerTests.loopbackIPv6)) func servesOnIPv6Loopback() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles)
        let server = try GitHTTPServer(root: sandbox.repositories, addressFamily: .ipv6)
        defer { server.stop() }
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let listing = try await git(["ls-remote", server.url(of: "owner/repo"), "main"], in: sandbox.root)
        #expect(listing.lines == ["\(commit)\trefs/heads/main"])
    }
}

/// A git command's merged output and exit code.
struct GitRun {
    var exitCode: Int32
    var lines: [String]
    var text: String { lines.joined(separator: "\n") }
}

/// Runs git without user configuration or prompts.
func git(_ arguments: [String], in directory: String) async throws -> GitRun {
    let environment = ProcessInfo.processInfo.environment
    let spec = ProcessSpec(
        executable: "git", arguments: arguments,
        environment: [
            "PATH": environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@hearth.invalid",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@hearth.invalid",
        ],
        workingDirectory: directory)
    let process = try ChildProcess.launch(spec)
    var lines: [String] = []
    for await line in process.lines { lines.append(line) }
    return GitRun(exitCode: await process.waitForExit(), lines: lines)
}

/// Deterministic pseudo-random numbers (incompressible test data).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
