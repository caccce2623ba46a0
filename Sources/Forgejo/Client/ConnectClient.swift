import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import SwiftProtobuf

/// A Connect-protocol client for unary calls to a Forgejo (or Gitea) instance's runner API.
///
/// Every call is an HTTP `POST <address>/api/actions/<package>.<Service>/<Method>` with a binary
/// protobuf body (`application/proto`), `Connect-Protocol-Version: 1`, `Accept-Encoding: gzip`
/// and, when set, the runner's `x-runner-uuid` / `x-runner-token` headers. Replies compressed
/// with gzip are decompressed. HTTP/1.1 is used, or HTTP/2 when TLS negotiates it.
///
/// Failures are thrown as ``ConnectError`` (the server replied with an error) or
/// ``TransportError`` (no usable reply). Call ``shutdown()`` when done: the underlying
/// `HTTPClient` owns connections.
public final class ConnectClient: Sendable {
    /// Largest reply body accepted (after decompression).
    public static let maxReplyBytes = 64 * 1024 * 1024

    /// The instance address.
    public let address: InstanceAddress
    /// The runner UUID sent as `x-runner-uuid` (nil or empty: header omitted).
    public let uuid: String?
    /// The runner token sent as `x-runner-token` (nil or empty: header omitted).
    public let token: String?
    /// Whole-call timeout used when a call gives none.
    public let defaultTimeout: Duration
    /// The `User-Agent` header value.
    public let userAgent: String

    private let http: HTTPClient
    private let isShutDown = NIOLockedValueBox(false)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - address: Instance URL as registered, e.g. `https://forgejo.example.org`,
    ///     `https://host/git/` or `http://[::1]:3000`. Trailing slashes are removed and
    ///     `/api/actions` is appended.
    ///   - uuid: Runner UUID for authenticated calls (omit for Ping and Register).
    ///   - token: Runner token for authenticated calls.
    ///   - caFile: A PEM file with extra CA certificates trusted in addition to the system ones.
    ///   - insecure: Skip TLS certificate verification (https addresses only).
    ///   - timeout: Whole-call timeout (connect, send, receive the full reply).
    ///   - userAgent: `User-Agent` header value.
    ///   - environment: Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read from.
    /// - Throws: ``TransportError`` for an unusable address or an unreadable CA file.
    public init(
        address: String,
        uuid: String? = nil,
        token: String? = nil,
        caFile: String? = nil,
        insecure: Bool = false,
        timeout: Duration = .seconds(60),
        userAgent: String = "hearth",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let parsed = try InstanceAddress(address)
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure && parsed.isTLS {
            tls.certificateVerification = .none
        }
        if let caFile, !caFile.isEmpty {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw TransportError(kind: .tls, message: "no PEM certificate found in CA file \(caFile)")
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError(kind: .tls, message: "cannot load CA certificates from \(caFile): \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            decompression: .enabled(limit: .size(Self.maxReplyBytes))
        )
        configuration.httpVersion = .automatic
        // Fail fast when the instance is down (like Go's client); callers retry at their own pace.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let proxy = ProxySelection.select(for: parsed, environment: environment) {
            switch proxy.kind {
            case .http:
                let authorization = proxy.credentials.map {
                    HTTPClient.Authorization.basic(username: $0.user, password: $0.password)
                }
                configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            case .socks:
                configuration.proxy = .socksServer(host: proxy.host, port: proxy.port)
            }
        }
        self.address = parsed
        self.uuid = uuid
        self.token = token
        self.defaultTimeout = timeout
        self.userAgent = userAgent
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        let needsShutdown = isShutDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
        if needsShutdown {
            http.shutdown(queue: .global()) { _ in }
        }
    }

    /// Closes all connections. Further calls fail.
    public func shutdown() async throws {
        let needsShutdown = isShutDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
        if needsShutdown {
            try await http.shutdown()
        }
    }

    /// Performs one unary call.
    ///
    /// - Parameters:
    ///   - method: The procedure, `<package>.<Service>/<Method>`, e.g.
    ///     `runner.v1.RunnerService/FetchTask`.
    ///   - request: The request message.
    ///   - requestKey: Sent as `x-runner-request-key` when non-empty (FetchTask / FetchSingleTask).
    ///   - timeout: Whole-call timeout; when given it is also announced to the server as
    ///     `Connect-Timeout-Ms`. Defaults to ``defaultTimeout`` (not announced).
    /// - Returns: The decoded reply.
    /// - Throws: ``ConnectError``, ``TransportError`` or `CancellationError`.
    public func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String,
        _ request: Request,
        requestKey: String? = nil,
        timeout: Duration? = nil
    ) async throws -> Response {
        let url = address.url(for: method)
        var httpRequest = HTTPClientRequest(url: url)
        httpRequest.method = .POST
        httpRequest.headers = headers(requestKey: requestKey, timeout: timeout)
        let body: [UInt8]
        do {
            body = try request.serializedBytes()
        } catch {
            throw TransportError(kind: .malformedReply, message: "cannot encode the request: \(error)", method: method, url: url)
        }
        httpRequest.body = .bytes(ByteBuffer(bytes: body))

        let limit = timeout ?? defaultTimeout
        let reply: Reply
        do {
            reply = try await Self.withTimeout(limit) { [http, httpRequest] in
                let response = try await http.execute(httpRequest, deadline: .now() + Self.timeAmount(limit), logger: nil)
                let bytes = try await response.body.collect(upTo: Self.maxReplyBytes)
                return Reply(status: response.status, headers: response.headers, body: bytes)
            }
        } catch {
            throw Self.transportError(for: error, limit: limit, method: method, url: url)
        }
        return try Self.decode(reply, method: method, url: url)
    }

    // MARK: - Request

    private func headers(requestKey: String?, timeout: Duration?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/proto")
        headers.add(name: "Accept-Encoding", value: "gzip")
        headers.add(name: "Connect-Protocol-Version", value: "1")
        headers.add(name: "User-Agent", value: userAgent)
        if let timeout {
            headers.add(name: "Connect-Timeout-Ms", value: String(Self.milliseconds(timeout)))
        }
        if let uuid, !uuid.isEmpty { headers.add(name: "x-runner-uuid", value: uuid) }
        if let token, !token.isEmpty { headers.add(name: "x-runner-token", value: token) }
        if let requestKey, !requestKey.isEmpty { headers.add(name: "x-runner-request-key", value: requestKey) }
        return headers
    }

    /// Milliseconds for `Connect-Timeout-Ms`: at least 1, at most 10 digits.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return 9_999_999_999 }
        let total = millis.partialValue + attoseconds / 1_000_000_000_000_000
        return min(max(total, 1), 9_999_999_999)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return nanos.overflow ? .nanoseconds(Int64.max) : .nanoseconds(nanos.partialValue + attoseconds / 1_000_000_000)
    }

    // MARK: - Reply

    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    static func decode<Response: SwiftProtobuf.Message>(_ reply: Reply, method: String, url: String) throws -> Response {
        let bytes = Array(reply.body.readableBytesView)
        guard reply.status == .ok else {
            throw ConnectErrorBody.error(status: Int(reply.status.code), reason: reply.status.reasonPhrase,
                                         headers: reply.headers, body: bytes, method: method)
        }
        let contentType = reply.headers.first(name: "Content-Type")?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType == "application/proto" || mediaType == "application/protobuf" else {
            let shown = mediaType.isEmpty ? "no content type" : "content type \(mediaType)"
            throw TransportError(kind: .malformedReply,
                                 message: "expected application/proto, got \(shown) (is the address a Forgejo instance with Actions enabled?)",
                                 method: method, url: url)
        }
        do {
            return try Response(serializedBytes: bytes)
        } catch {
            throw TransportError(kind: .malformedReply, message: "the reply is not a valid \(Response.protoMessageName): \(error)",
                                 method: method, url: url)
        }
    }

    // MARK: - Timeout and error mapping

    private struct TimeoutSignal: Error {}

    static func withTimeout<T: Sendable>(
        _ limit: Duration,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimeoutSignal()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    static func transportError(for error: any Error, limit: Duration, method: String, url: String) -> any Error {
        if error is CancellationError { return error }
        if error is TimeoutSignal {
            return TransportError(kind: .timedOut, message: "no complete reply within \(limit)", method: method, url: url)
        }
        if let error = error as? TransportError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                 .tlsHandshakeTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                return TransportError(kind: .timedOut, message: "no complete reply within \(limit) (\(error.shortDescription))",
                                      method: method, url: url)
            case .cancelled:
                if Task.isCancelled { return CancellationError() }
                return TransportError(kind: .connectionFailed, message: error.shortDescription, method: method, url: url)
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportError(kind: .invalidAddress, message: "\(url): \(error.shortDescription)", method: method, url: url)
            default:
                return TransportError(kind: .connectionFailed, message: error.shortDescription, method: method, url: url)
            }
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return TransportError(kind: .tls, message: String(describing: error), method: method, url: url)
        }
        if error is NIOTooManyBytesError {
            return TransportError(kind: .malformedReply, message: "the reply is larger than \(maxReplyBytes / 1024 / 1024) MiB",
                                  method: method, url: url)
        }
        let text = String(describing: error)
        if text.contains("Decompression") || text.contains("decompression") {
            return TransportError(kind: .malformedReply, message: "cannot decompress the reply: \(text)", method: method, url: url)
        }
        if Task.isCancelled { return CancellationError() }
        return TransportError(kind: .connectionFailed, message: text, method: method, url: url)
    }
}

