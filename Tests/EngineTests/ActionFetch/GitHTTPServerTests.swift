import Backends
import Foundation
import HearthTestSupport
import Testing

#if canImport(Glibc)
import Glibc
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
            let listing = try await runGit(["ls-remote", "\(sandbox.server.url(of: "owner/repo"))\(suffix)"], in: sandbox.root)
            #expect(listing.exitCode == 0)
            #expect(listing.lines.contains("\(commit)\trefs/tags/v1"))
            #expect(listing.lines.contains("\(commit)\trefs/heads/main"))
        }
        #expect(sandbox.server.requests.first == "GET /owner/repo/info/refs?service=git-upload-pack")
        #expect(sandbox.server.requests.contains("GET /owner/repo.git/info/refs?service=git-upload-pack"))
        sandbox.server.resetCounters()
        #expect(sandbox.server.requestCount == 0)
        #expect(sandbox.server.requests.isEmpty)

        let missing = try await runGit(["ls-remote", sandbox.server.url(of: "owner/missing")], in: sandbox.root)
        #expect(missing.exitCode != 0)
        #expect(missing.text.contains("not found"))
    }

    @Test func handlesConcurrentClones() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        var files = sampleActionFiles
        for index in 0..<40 { files["data/file\(index).txt"] = String(repeating: "line \(index)\n", count: 200) }
        // Many refs make git compress its request bodies (Content-Encoding: gzip).
        let commit = try sandbox.repository(files: files, tags: (0..<40).map { "v1.\($0)" })

        let results = try await withThrowingTaskGroup(of: (Int32, String).self) { group in
            for index in 0..<6 {
                let target = "\(sandbox.root)/clone\(index)"
                group.addTask {
                    let clone = try await runGit(["clone", "--quiet", sandbox.server.url(of: "owner/repo"), target], in: sandbox.root)
                    let head = try await runGit(["-C", target, "rev-parse", "HEAD"], in: sandbox.root)
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
        #expect(fileContents("\(sandbox.root)/clone3/data/file39.txt") == String(repeating: "line 39\n", count: 200))
        #expect(sandbox.server.requestCount >= 12)
    }

    @Test func basicAuthentication() async throws {
        let sandbox = try ActionFetchSandbox(token: "letmein")
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles)
        let target = "/owner/repo/info/refs?service=git-upload-pack"

        let denied = try RawHTTP.get(port: sandbox.server.port, target: target)
        #expect(denied.status == 401)
        #expect(denied.header("WWW-Authenticate") == "Basic realm=\"git\"")
        #expect(denied.header("Connection") == "close")

        let wrong = try RawHTTP.get(port: sandbox.server.port, target: target, authorization: "x:nope")
        #expect(wrong.status == 401)

        let accepted = try RawHTTP.get(port: sandbox.server.port, target: target, authorization: "x:letmein")
        #expect(accepted.status == 200)
        #expect(accepted.header("Content-Type") == "application/x-git-upload-pack-advertisement")
        #expect(accepted.body.contains("service=git-upload-pack"))
        #expect(Int(accepted.header("Content-Length") ?? "") == accepted.body.utf8.count)

        let missing = try RawHTTP.get(port: sandbox.server.port, target: "/owner/missing/info/refs?service=git-upload-pack", authorization: "x:letmein")
        #expect(missing.status == 404)
        #expect(sandbox.server.requests == Array(repeating: "GET \(target)", count: 3) + ["GET /owner/missing/info/refs?service=git-upload-pack"])
    }

    /// A push larger than git's post buffer arrives with chunked transfer coding.
    @Test func acceptsAChunkedPush() async throws {
        let sandbox = try ActionFetchSandbox(token: "pushtoken")
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles)
        let authenticated = sandbox.server.baseURL.replacingOccurrences(of: "http://", with: "http://pusher:pushtoken@")
        let work = "\(sandbox.root)/work"

        #expect(try await runGit(["clone", "--quiet", "\(authenticated)/owner/repo", work], in: sandbox.root).exitCode == 0)
        var generator = SplitMix(seed: 42)
        let noise = Data((0..<(3 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try noise.write(to: URL(fileURLWithPath: "\(work)/noise.bin"))
        #expect(try await runGit(["-C", work, "add", "noise.bin"], in: work).exitCode == 0)
        #expect(try await runGit(["-C", work, "commit", "--quiet", "-m", "noise"], in: work).exitCode == 0)
        let pushed = try await runGit(["-C", work, "push", "--quiet", "origin", "HEAD:refs/heads/main"], in: work)
        #expect(pushed.exitCode == 0, "\(pushed.text)")

        let local = try await runGit(["-C", work, "rev-parse", "HEAD"], in: work).lines.first
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
        let listing = try await runGit(["ls-remote", sandbox.server.url(of: "owner/repo")], in: sandbox.root)
        #expect(listing.exitCode != 0)
        #expect(listing.text.contains("Couldn't connect") || listing.text.contains("Failed to connect"))
        #expect(sandbox.server.requestCount == 0)
    }

    @Test func releasingTheServerStopsIt() throws {
        var server: GitHTTPServer? = try GitHTTPServer(root: FileManager.default.temporaryDirectory.path)
        let port = try #require(server?.port)
        #expect(try RawHTTP.get(port: port, target: "/none/info/refs").status == 404)
        server = nil
        #expect(throws: ActionFetchSandboxError.self) { try RawHTTP.get(port: port, target: "/none/info/refs") }
    }

    @Test(.enabled(if: GitHTTPServerTests.loopbackIPv6)) func servesOnIPv6Loopback() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles)
        let server = try GitHTTPServer(root: sandbox.repositories, addressFamily: .ipv6)
        defer { server.stop() }
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let listing = try await runGit(["ls-remote", server.url(of: "owner/repo"), "main"], in: sandbox.root)
        #expect(listing.lines == ["\(commit)\trefs/heads/main"])
    }
}

/// A git command's merged output and exit code.
struct GitCommandResult {
    var exitCode: Int32
    var lines: [String]
    var text: String { lines.joined(separator: "\n") }
}

/// Runs git without user configuration or prompts.
func runGit(_ arguments: [String], in directory: String) async throws -> GitCommandResult {
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
    return GitCommandResult(exitCode: await process.waitForExit(), lines: lines)
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

/// A minimal HTTP/1.1 client for checking the server's responses byte for byte.
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    static func get(port: Int, target: String, authorization: String? = nil) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ActionFetchSandboxError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ActionFetchSandboxError("connect failed") }
        var request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if let authorization { request += "Authorization: Basic \(Data(authorization.utf8).base64EncodedString())\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw ActionFetchSandboxError("send failed") }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {  // until the server closes the connection
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ActionFetchSandboxError("no header end in \(text)") }
        var lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ActionFetchSandboxError("bad status line") }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
