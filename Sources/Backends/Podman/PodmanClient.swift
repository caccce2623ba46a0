import AsyncHTTPClient
import Foundation
import NIOCore

/// A client of Podman's libpod REST API (v4) over a unix socket.
///
/// Every call throws `PodmanError` carrying the API's own message. The client owns an HTTP
/// connection pool: call `shutdown()` once it is no longer needed.
public final class PodmanClient: Sendable {
    /// The socket the API is served on.
    public let socketPath: String
    private let http: HTTPClient
    private let requestTimeout: TimeAmount
    static let apiPrefix = "/v4.0.0/libpod"

    /// The HTTP methods the API calls use.
    enum Method {
        case GET, POST, DELETE
    }

    /// - Parameters:
    ///   - socketPath: the API socket, e.g. `/run/podman/podman.sock`.
    ///   - requestTimeout: the longest an ordinary call may take (pulls and exec streams have their own).
    public init(socketPath: String, requestTimeout: Duration = .seconds(120)) {
        self.socketPath = socketPath
        self.requestTimeout = Self.timeAmount(requestTimeout)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: nil)
        // Exec output streams hold a connection for a whole step; several jobs may share one client.
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A local socket that refuses a connection will not accept one a moment later: say so at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the connection pool. The client cannot be used afterwards.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: - System

    /// `_ping`: succeeds when the service answers.
    public func ping() async throws {
        let (status, body) = try await send(.GET, "/_ping")
        guard status == 200 else { throw Self.failure("Podman did not answer its ping", status: status, body: body) }
    }

    /// The version of the Podman engine serving the API.
    public func version() async throws -> String {
        struct Component: Decodable {
            var name: String
            var version: String
            enum CodingKeys: String, CodingKey {
                case name = "Name"
                case version = "Version"
            }
        }
        struct Version: Decodable {
            var version: String?
            var components: [Component]?
            enum CodingKeys: String, CodingKey {
                case version = "Version"
                case components = "Components"
            }
        }
        let answer: Version = try await decode(.GET, "/version", context: "cannot read Podman's version")
        return answer.components?.first { $0.name == "Podman Engine" }?.version ?? answer.version ?? "unknown"
    }

    // MARK: - Images

    /// Whether the image is in local storage.
    public func imageExists(_ reference: String) async throws -> Bool {
        let (status, body) = try await send(.GET, "/images/\(Self.pathComponent(reference))/exists")
        switch status {
        case 204, 200: return true
        case 404: return false
        default: throw Self.failure("cannot look up image '\(reference)'", status: status, body: body)
        }
    }

    /// Pulls an image; fails with the registry's message.
    public func pullImage(_ reference: String, username: String? = nil, password: String? = nil, timeout: Duration = .seconds(1800)) async throws {
        var headers: [(String, String)] = []
        if let username, let password {
            let auth = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
            headers.append(("X-Registry-Auth", auth.base64EncodedString()))
        }
        let (status, body) = try await send(
            .POST, "/images/pull", query: [("reference", reference), ("quiet", "true")], headers: headers, timeout: Self.timeAmount(timeout))
        guard (200..<300).contains(status) else { throw Self.failure("cannot pull image '\(reference)'", status: status, body: body) }
        // The answer is a stream of JSON objects; a failure is one with an "error" member.
        var pulled = false
        for line in body.split(separator: UInt8(ascii: "\n")) {
            guard let progress = try? JSONDecoder().decode(PodmanAPI.PullProgress.self, from: Data(line)) else { continue }
            if let error = progress.error { throw PodmanError("cannot pull image '\(reference)': \(error)") }
            if progress.id != nil { pulled = true }
        }
        guard pulled else { throw PodmanError("cannot pull image '\(reference)': Podman gave no image for it") }
    }

    /// Builds an image from a tar archive of the build context (`libpod/build`) and returns the
    /// build's output lines; fails with the builder's message.
    public func buildImage(contextArchive: Data, dockerfile: String, tag: String, timeout: Duration = .seconds(3600)) async throws -> [String] {
        var request = try makeRequest(.POST, "/build", query: [("dockerfile", dockerfile), ("t", tag), ("rm", "true")])
        request.body = .bytes(ByteBuffer(bytes: contextArchive))
        request.headers.add(name: "Content-Type", value: "application/x-tar")
        let status: Int
        let body: Data
        do {
            let response = try await http.execute(request, timeout: Self.timeAmount(timeout))
            status = Int(response.status.code)
            body = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch {
            throw unreachable(error)
        }
        guard (200..<300).contains(status) else { throw Self.failure("cannot build image '\(tag)'", status: status, body: body) }
        // A stream of JSON objects: {"stream": "..."} for output, {"error": "..."} for a failure.
        var output = LineAccumulator()
        var lines: [String] = []
        for chunk in body.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(chunk)) as? [String: Any] else { continue }
            if let error = object["error"] as? String {
                throw PodmanError("cannot build image '\(tag)': \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            if let text = object["stream"] as? String { lines += output.append(Array(text.utf8)) }
        }
        if let last = output.finish() { lines.append(last) }
        return lines
    }

    // MARK: - Networks

    public func createNetwork(_ spec: PodmanAPI.NetworkSpec) async throws {
        try await expectSuccess(.POST, "/networks/create", body: spec, context: "cannot create network '\(spec.name)'")
    }

    public func removeNetwork(_ name: String) async throws {
        try await expectSuccess(.DELETE, "/networks/\(Self.pathComponent(name))", query: [("force", "true")], context: "cannot remove network '\(name)'")
    }

    public func inspectNetwork(_ name: String) async throws -> PodmanAPI.NetworkSummary {
        try await decode(.GET, "/networks/\(Self.pathComponent(name))/json", context: "cannot inspect network '\(name)'")
    }

    public func listNetworks(labels: [String: String]) async throws -> [PodmanAPI.NetworkSummary] {
        try await decode(.GET, "/networks/json", query: [("filters", Self.labelFilter(labels))], context: "cannot list networks")
    }

    // MARK: - Pods

    @discardableResult
    public func createPod(_ spec: PodmanAPI.PodSpec) async throws -> String {
        let answer: PodmanAPI.IdentifierBody = try await decode(.POST, "/pods/create", body: spec, context: "cannot create pod '\(spec.name)'")
        return answer.id
    }

    public func startPod(_ name: String) async throws {
        try await expectSuccess(.POST, "/pods/\(Self.pathComponent(name))/start", context: "cannot start pod '\(name)'")
    }

    public func killPod(_ name: String, signal: String = "SIGKILL") async throws {
        try await expectSuccess(.POST, "/pods/\(Self.pathComponent(name))/kill", query: [("signal", signal)], context: "cannot kill pod '\(name)'")
    }

    public func removePod(_ name: String) async throws {
        try await expectSuccess(.DELETE, "/pods/\(Self.pathComponent(name))", query: [("force", "true")], context: "cannot remove pod '\(name)'")
    }

    public func listPods(labels: [String: String]) async throws -> [PodmanAPI.PodSummary] {
        try await decode(.GET, "/pods/json", query: [("filters", Self.labelFilter(labels))], context: "cannot list pods")
    }

    // MARK: - Containers

    @discardableResult
    public func createContainer(_ spec: PodmanAPI.ContainerSpec) async throws -> String {
        let answer: PodmanAPI.IdentifierBody = try await decode(
            .POST, "/containers/create", body: spec, context: "cannot create container '\(spec.name)'")
        return answer.id
    }

    public func startContainer(_ name: String) async throws {
        try await expectSuccess(.POST, "/containers/\(Self.pathComponent(name))/start", context: "cannot start container '\(name)'")
    }

    public func inspectContainer(_ name: String) async throws -> PodmanAPI.ContainerInspect {
        try await decode(.GET, "/containers/\(Self.pathComponent(name))/json", context: "cannot inspect container '\(name)'")
    }

    /// Runs the container's health check once (Podman records the result in the container's state).
    public func runHealthcheck(_ name: String) async throws {
        try await expectSuccess(.GET, "/containers/\(Self.pathComponent(name))/healthcheck", context: "cannot run the health check of '\(name)'")
    }

    /// Removes a container, stopping it first; `removeVolumes` also removes its anonymous volumes.
    public func removeContainer(_ name: String, removeVolumes: Bool = true) async throws {
        try await expectSuccess(
            .DELETE, "/containers/\(Self.pathComponent(name))", query: [("force", "true"), ("volumes", removeVolumes ? "true" : "false")],
            context: "cannot remove container '\(name)'")
    }

    public func listContainers(labels: [String: String]) async throws -> [PodmanAPI.ContainerSummary] {
        try await decode(.GET, "/containers/json", query: [("all", "true"), ("filters", Self.labelFilter(labels))], context: "cannot list containers")
    }

    /// Sends a signal to a container's main process.
    public func killContainer(_ name: String, signal: String) async throws {
        try await expectSuccess(.POST, "/containers/\(Self.pathComponent(name))/kill", query: [("signal", signal)], context: "cannot signal container '\(name)'")
    }

    /// Waits until the container has stopped and returns its exit code.
    public func waitForContainer(_ name: String) async throws -> Int32 {
        let (status, body) = try await send(
            .POST, "/containers/\(Self.pathComponent(name))/wait", query: [("condition", "stopped")], timeout: .hours(1000))
        guard status == 200 else { throw Self.failure("cannot wait for container '\(name)'", status: status, body: body) }
        guard let code = Int32(String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw PodmanError("waiting for container '\(name)' gave no exit code: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return code
    }

    /// The container's output from its start, following it until the container stops: the
    /// answer's body is the multiplexed stream.
    func followLogs(_ name: String) async throws -> HTTPClientResponse.Body {
        let request = try makeRequest(.GET, "/containers/\(Self.pathComponent(name))/logs", query: [("follow", "true"), ("stdout", "true"), ("stderr", "true")])
        return try await stream(request, context: "cannot follow the output of '\(name)'")
    }

    /// Sends a request whose answer streams for as long as a process runs; its body, once the
    /// status says success.
    private func stream(_ request: HTTPClientRequest, context: String) async throws -> HTTPClientResponse.Body {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .distantFuture)
        } catch {
            throw unreachable(error)
        }
        guard response.status.code == 200 else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
            throw Self.failure(context, status: Int(response.status.code), body: body)
        }
        return response.body
    }

    /// The last `tail` lines the container wrote (stdout and stderr).
    public func containerLogs(_ name: String, tail: Int = 20) async throws -> [String] {
        let (status, body) = try await send(
            .GET, "/containers/\(Self.pathComponent(name))/logs", query: [("stdout", "true"), ("stderr", "true"), ("tail", String(tail))])
        guard status == 200 else { throw Self.failure("cannot read the logs of '\(name)'", status: status, body: body) }
        var decoder = MultiplexedStreamDecoder()
        var lines = LineAccumulator()
        var result: [String] = []
        for frame in decoder.feed(body) { result += lines.append(frame.payload) }
        if let last = lines.finish() { result.append(last) }
        return result
    }

    // MARK: - Volumes

    public func listVolumes(labels: [String: String]) async throws -> [PodmanAPI.VolumeSummary] {
        try await decode(.GET, "/volumes/json", query: [("filters", Self.labelFilter(labels))], context: "cannot list volumes")
    }

    public func removeVolume(_ name: String) async throws {
        try await expectSuccess(.DELETE, "/volumes/\(Self.pathComponent(name))", query: [("force", "true")], context: "cannot remove volume '\(name)'")
    }

    // MARK: - Exec

    /// Creates an exec session in a running container and returns its id.
    public func createExec(in container: String, _ spec: PodmanAPI.ExecSpec) async throws -> String {
        let answer: PodmanAPI.IdentifierBody = try await decode(
            .POST, "/containers/\(Self.pathComponent(container))/exec", body: spec, context: "cannot start a process in container '\(container)'")
        return answer.id
    }

    /// Starts an exec session attached: the answer's body is the multiplexed output, which ends
    /// when the process has exited.
    func startExec(_ id: String) async throws -> HTTPClientResponse.Body {
        var request = try makeRequest(.POST, "/exec/\(id)/start", query: [])
        request.body = .bytes(ByteBuffer(string: #"{"Detach":false,"Tty":false}"#))
        request.headers.add(name: "Content-Type", value: "application/json")
        return try await stream(request, context: "cannot start exec session")
    }

    public func inspectExec(_ id: String) async throws -> PodmanAPI.ExecInspect {
        try await decode(.GET, "/exec/\(id)/json", context: "cannot inspect exec session")
    }

    /// Runs a command in a container to its end and returns its exit code and output lines.
    public func run(in container: String, _ command: [String], user: String? = nil) async throws -> (exitCode: Int32, output: [String]) {
        let id = try await createExec(in: container, PodmanAPI.ExecSpec(command: command, user: user))
        let body = try await startExec(id)
        var decoder = MultiplexedStreamDecoder()
        var accumulators = [MultiplexedStreamDecoder.Stream.stdout: LineAccumulator(), .stderr: LineAccumulator()]
        var output: [String] = []
        do {
            for try await chunk in body {
                for frame in decoder.feed(chunk.readableBytesView) { output += accumulators[frame.stream]?.append(frame.payload) ?? [] }
            }
        } catch {
            throw unreachable(error)
        }
        for key in accumulators.keys { if let last = accumulators[key]?.finish() { output.append(last) } }
        let code = try await exitCode(ofExec: id)
        return (code, output)
    }

    /// The exit code of a finished exec session. Podman records it just before the output ends;
    /// if it is not there yet, ask again a bounded number of times.
    func exitCode(ofExec id: String) async throws -> Int32 {
        for attempt in 0..<100 {
            let state = try await inspectExec(id)
            if !state.running, let code = state.exitCode { return code }
            try? await Task.sleep(for: .milliseconds(min(10 * (attempt + 1), 100)))
        }
        throw PodmanError("the exec session \(id.prefix(12)) did not report an exit code")
    }

    // MARK: - Transport

    private func makeRequest(_ method: Method, _ path: String, query: [(String, String)]) throws -> HTTPClientRequest {
        var uri = Self.apiPrefix + path
        if !query.isEmpty {
            uri += "?" + query.map { "\($0.0)=\(Self.queryValue($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw PodmanError("cannot build a request URL for socket '\(socketPath)'")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        switch method {
        case .GET: request.method = .GET
        case .POST: request.method = .POST
        case .DELETE: request.method = .DELETE
        }
        // Go's HTTP server wants a Host; anything will do over a unix socket.
        request.headers.replaceOrAdd(name: "Host", value: "d")
        return request
    }

    func send(
        _ method: Method, _ path: String, query: [(String, String)] = [], body: Data? = nil, headers: [(String, String)] = [],
        timeout: TimeAmount? = nil
    ) async throws -> (status: Int, body: Data) {
        var request = try makeRequest(method, path, query: query)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        } else if method == .POST {
            request.body = .bytes(ByteBuffer())
        }
        do {
            let response = try await http.execute(request, timeout: timeout ?? requestTimeout)
            let collected = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Data(collected.readableBytesView))
        } catch let error as PodmanError {
            throw error
        } catch {
            throw unreachable(error)
        }
    }

    private func unreachable(_ error: any Error) -> PodmanError {
        PodmanError("cannot talk to Podman at \(socketPath): \(error)")
    }

    private func expectSuccess(
        _ method: Method, _ path: String, query: [(String, String)] = [], context: String
    ) async throws {
        let (status, body) = try await send(method, path, query: query)
        guard (200..<300).contains(status) else { throw Self.failure(context, status: status, body: body) }
        try Self.checkReportedErrors(body, context: context, status: status)
    }

    private func expectSuccess(
        _ method: Method, _ path: String, body: some Encodable, context: String
    ) async throws {
        let data = try JSONEncoder().encode(body)
        let (status, answer) = try await send(method, path, body: data)
        guard (200..<300).contains(status) else { throw Self.failure(context, status: status, body: answer) }
    }

    private func decode<Answer: Decodable>(
        _ method: Method, _ path: String, query: [(String, String)] = [], context: String
    ) async throws -> Answer {
        let (status, body) = try await send(method, path, query: query)
        return try Self.decodeAnswer(status: status, body: body, context: context)
    }

    private func decode<Answer: Decodable>(
        _ method: Method, _ path: String, body: some Encodable, context: String
    ) async throws -> Answer {
        let data = try JSONEncoder().encode(body)
        let (status, answer) = try await send(method, path, body: data)
        return try Self.decodeAnswer(status: status, body: answer, context: context)
    }

    private static func decodeAnswer<Answer: Decodable>(status: Int, body: Data, context: String) throws -> Answer {
        guard (200..<300).contains(status) else { throw failure(context, status: status, body: body) }
        do {
            return try JSONDecoder().decode(Answer.self, from: body)
        } catch {
            throw PodmanError("\(context): unexpected answer from Podman (\(error))", status: status)
        }
    }

    /// Pod operations answer 200 with per-container errors (`{"Errs": [...]}`).
    private static func checkReportedErrors(_ body: Data, context: String, status: Int) throws {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let errors = object["Errs"] as? [Any], !errors.isEmpty
        else { return }
        let messages = errors.map { "\($0)" }.joined(separator: "; ")
        throw PodmanError("\(context): \(messages)", status: status)
    }

    static func failure(_ context: String, status: Int, body: Data) -> PodmanError {
        let error = try? JSONDecoder().decode(PodmanAPI.ErrorBody.self, from: body)
        let detail = error?.message ?? error?.cause ?? String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return PodmanError("\(context): \(detail.isEmpty ? "HTTP \(status)" : detail)", status: status)
    }

    static func labelFilter(_ labels: [String: String]) -> String {
        let values = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let data = (try? JSONSerialization.data(withJSONObject: ["label": values])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func pathComponent(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: ":@"))) ?? value
    }

    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
