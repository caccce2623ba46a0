import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The working part of `GitHTTPServer`: the sockets, the accept thread, the connection threads
/// and the CGI bridge. The threads hold this object (not the public server), so releasing the
/// server stops it.
final class GitHTTPServerCore: Sendable {
    let port: Int

    private let requiredToken: String?
    private let protocolVersion2: Bool
    private let backendPath: String
    private let cgiEnvironment: [String: String]
    private let listenFD: Int32
    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    private let state = ServerState()

    init(root: String, requiredToken: String?, ipv6: Bool, gitConfig: [String: String], protocolVersion2: Bool) throws(GitHTTPServerError) {
        signal(SIGPIPE, SIG_IGN)
        self.requiredToken = requiredToken
        self.protocolVersion2 = protocolVersion2

        let environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        guard let execPath = try? Subprocess.run("git", ["--exec-path"], environment: ["PATH": path]),
            execPath.status == 0
        else { throw GitHTTPServerError("git was not found in PATH") }
        backendPath = execPath.outputText.trimmingCharacters(in: .whitespacesAndNewlines) + "/git-http-backend"
        guard access(backendPath, X_OK) == 0 else { throw GitHTTPServerError("\(backendPath) is missing") }

        var cgi: [String: String] = [
            "PATH": path,
            "HOME": root,
            "GIT_PROJECT_ROOT": root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "HearthTestSupport",
            "REMOTE_ADDR": ipv6 ? "::1" : "127.0.0.1",
        ]
        let sortedConfig = gitConfig.sorted { $0.key < $1.key }
        cgi["GIT_CONFIG_COUNT"] = String(sortedConfig.count)
        for (index, entry) in sortedConfig.enumerated() {
            cgi["GIT_CONFIG_KEY_\(index)"] = entry.key
            cgi["GIT_CONFIG_VALUE_\(index)"] = entry.value
        }
        cgiEnvironment = cgi

        let (fd, boundPort) = try Self.listen(ipv6: ipv6)
        listenFD = fd
        port = boundPort
        guard let wake = CloseOnExec.pipe() else {
            close(fd)
            throw GitHTTPServerError("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        wakeReadFD = wake.read
        wakeWriteFD = wake.write
    }

    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 512 * 1024
        thread.start()
    }

    var requests: [String] {
        state.withLock { $0.requests }
    }

    func resetRequests() {
        state.withLock { $0.requests = [] }
    }

    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else {
            state.waitUntil { $0.listenerClosed }
            return
        }
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
        state.waitUntil { $0.acceptLoopEnded }
        close(listenFD)
        close(wakeReadFD)
        close(wakeWriteFD)
        state.withLock { $0.listenerClosed = true }
        state.broadcast()
        state.waitUntil { $0.activeConnections == 0 }
    }

    // MARK: - Listening

    private static func listen(ipv6: Bool) throws(GitHTTPServerError) -> (Int32, Int) {
        let domain = ipv6 ? AF_INET6 : AF_INET
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw GitHTTPServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var port = 0
        let bound: Int32
        if !ipv6 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 {
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                port = Int(UInt16(bigEndian: address.sin_port))
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = 0
            _ = inet_pton(AF_INET6, "::1", &address.sin6_addr)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            if bound == 0 {
                var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                _ = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                port = Int(UInt16(bigEndian: address.sin6_port))
            }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw GitHTTPServerError("cannot listen on loopback: \(message)")
        }
        return (fd, port)
    }

    private func acceptLoop() {
        defer {
            state.withLock { $0.acceptLoopEnded = true }
            state.broadcast()
        }
        while true {
            var fds = [
                pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let client = CloseOnExec.accept(listenFD)
            if client < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { continue }
                return
            }
            state.withLock { $0.activeConnections += 1 }
            let thread = Thread { [self] in
                handle(client)
                state.withLock { $0.activeConnections -= 1 }
                state.broadcast()
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    // MARK: - Requests

    private func handle(_ fd: Int32) {
        defer {
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var connection = HTTPConnection(fd: fd)
        guard var request = try? connection.readHead() else { return }
        state.withLock { $0.requests.append("\(request.method) \(request.target)") }
        if request.header("Expect")?.lowercased() == "100-continue" {
            connection.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        do {
            try connection.readBody(of: &request)
        } catch {
            connection.send(Self.response(status: "400 Bad Request", headers: [], body: Array("bad request\n".utf8)))
            return
        }

        var remoteUser: String?
        if let requiredToken {
            guard let credentials = Self.basicCredentials(request), credentials.password == requiredToken else {
                connection.send(Self.response(
                    status: "401 Unauthorized",
                    headers: [("WWW-Authenticate", "Basic realm=\"git\""), ("Content-Type", "text/plain")],
                    body: Array("authentication required\n".utf8)))
                return
            }
            remoteUser = credentials.user.isEmpty ? "token" : credentials.user
        }
        connection.send(runBackend(request, remoteUser: remoteUser))
    }

    private func runBackend(_ request: HTTPRequest, remoteUser: String?) -> [UInt8] {
        var environment = cgiEnvironment
        environment["REQUEST_METHOD"] = request.method
        environment["PATH_INFO"] = request.path.removingPercentEncoding ?? request.path
        environment["QUERY_STRING"] = request.query
        environment["REQUEST_URI"] = request.target
        if let contentType = request.header("Content-Type") { environment["CONTENT_TYPE"] = contentType }
        if request.method == "POST" || !request.body.isEmpty {
            environment["CONTENT_LENGTH"] = String(request.body.count)
        }
        if let remoteUser {
            environment["REMOTE_USER"] = remoteUser
            environment["AUTH_TYPE"] = "Basic"
        }
        var skipped: Set<String> = ["authorization", "content-type", "content-length", "transfer-encoding", "connection"]
        if !protocolVersion2 { skipped.insert("git-protocol") }
        for header in request.headers where !skipped.contains(header.name.lowercased()) {
            let name = "HTTP_" + header.name.uppercased().replacingOccurrences(of: "-", with: "_")
            environment[name] = header.value
        }

        guard let result = try? Subprocess.run(backendPath, [], environment: environment, input: request.body),
            result.status == 0 || !result.standardOutput.isEmpty
        else {
            return Self.response(status: "500 Internal Server Error", headers: [], body: Array("git http-backend failed\n".utf8))
        }
        return Self.translateCGI(result.standardOutput)
    }

    /// Turns CGI output (headers, a blank line, the body) into an HTTP/1.1 response.
    private static func translateCGI(_ output: [UInt8]) -> [UInt8] {
        var headerEnd: Int?
        var bodyStart = 0
        var index = 0
        while index < output.count {
            if output[index] == 10 {
                if index + 1 < output.count && output[index + 1] == 10 {
                    headerEnd = index
                    bodyStart = index + 2
                    break
                }
                if index + 2 < output.count && output[index + 1] == 13 && output[index + 2] == 10 {
                    headerEnd = index
                    bodyStart = index + 3
                    break
                }
            }
            index += 1
        }
        guard let headerEnd else {
            return response(status: "502 Bad Gateway", headers: [], body: Array("malformed CGI output\n".utf8))
        }
        var status = "200 OK"
        var headers: [(String, String)] = []
        let headerText = String(decoding: output[0..<headerEnd], as: UTF8.self)
        for rawLine in headerText.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = value
            } else if name.lowercased() == "location" && status == "200 OK" {
                status = "302 Found"
                headers.append((name, value))
            } else {
                headers.append((name, value))
            }
        }
        return response(status: status, headers: headers, body: Array(output[bodyStart...]))
    }

    private static func response(status: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var head = "HTTP/1.1 \(status)\r\n"
        for (name, value) in headers where name.lowercased() != "content-length" && name.lowercased() != "connection" {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    private static func basicCredentials(_ request: HTTPRequest) -> (user: String, password: String)? {
        guard let header = request.header("Authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// The server's mutable state, guarded by one condition variable.
private final class ServerState: @unchecked Sendable {
    struct Values {
        var requests: [String] = []
        var activeConnections = 0
        var stopping = false
        var acceptLoopEnded = false
        var listenerClosed = false
    }

    private let condition = NSCondition()
    private var values = Values()

    func withLock<Result>(_ body: (inout Values) -> Result) -> Result {
        condition.lock()
        defer { condition.unlock() }
        return body(&values)
    }

    func broadcast() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits (at most a minute) until `predicate` holds.
    func waitUntil(_ predicate: (Values) -> Bool) {
        let deadline = Date().addingTimeInterval(60)
        condition.lock()
        defer { condition.unlock() }
        while !predicate(values) {
            if !condition.wait(until: deadline) { return }
        }
    }
}
