/// An error reply of a Connect unary call: the server (or something in front of it) answered with a
/// status other than 200.
///
/// The code is taken from the Connect error JSON (`{"code": "...", "message": "..."}`) when the body
/// is one; otherwise it is derived from the HTTP status the way connect clients do (404 →
/// `unimplemented`, 401 → `unauthenticated`, 502/503/504 → `unavailable`, …). Decide on ``code``,
/// never on ``httpStatus``: older servers use a different status table.
///
/// Failures that never produced an HTTP reply (connection refused, timeout, TLS, unreadable reply)
/// are ``TransportError``s instead.
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Connect error codes (the `code` string of the error JSON).
    public enum Code: String, Sendable, CaseIterable {
        case canceled
        case unknown
        case invalidArgument = "invalid_argument"
        case deadlineExceeded = "deadline_exceeded"
        case notFound = "not_found"
        case alreadyExists = "already_exists"
        case permissionDenied = "permission_denied"
        case resourceExhausted = "resource_exhausted"
        case failedPrecondition = "failed_precondition"
        case aborted
        case outOfRange = "out_of_range"
        case unimplemented
        case `internal`
        case unavailable
        case dataLoss = "data_loss"
        case unauthenticated

        /// The code connect clients assume for a non-Connect error body with this HTTP status.
        public init(httpStatus: Int) {
            switch httpStatus {
            case 400: self = .internal
            case 401: self = .unauthenticated
            case 403: self = .permissionDenied
            case 404: self = .unimplemented
            case 429, 502, 503, 504: self = .unavailable
            default: self = .unknown
            }
        }
    }

    /// The Connect code.
    public var code: Code
    /// The server's message (may be empty).
    public var message: String
    /// The HTTP status of the reply (informational only).
    public var httpStatus: Int
    /// The called procedure, e.g. `runner.v1.RunnerService/FetchTask`, when known.
    public var method: String?

    /// Creates an error value.
    public init(code: Code, message: String, httpStatus: Int = 0, method: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.method = method
    }

    /// True when the same call may succeed later unchanged (server busy, restarting, a proxy in
    /// front of it failing, a database hiccup). False for errors that need a human
    /// (bad credentials, bad request, missing method).
    public var isRetryable: Bool {
        if meansCredentialsGone { return false }
        switch code {
        case .canceled, .unknown, .deadlineExceeded, .resourceExhausted, .aborted, .internal, .unavailable:
            return true
        case .invalidArgument, .notFound, .alreadyExists, .permissionDenied, .failedPrecondition,
             .outOfRange, .unimplemented, .dataLoss, .unauthenticated:
            return false
        }
    }

    /// True when the server no longer accepts this runner's UUID/token: `unauthenticated`, or the
    /// `unknown` error with "unregistered runner" that Gitea (and Forgejo before v11) send instead.
    /// The runner should stop polling this connection and ask to be registered again.
    public var meansCredentialsGone: Bool {
        if code == .unauthenticated { return true }
        guard code == .unknown || code == .internal else { return false }
        let text = message.lowercased()
        return text.contains("unregistered runner") || text.contains("code = unauthenticated")
    }

    /// A one-line explanation for logs and terminals.
    public var description: String {
        var text = "\(method.map { "\($0): " } ?? "")\(code.rawValue)"
        if !message.isEmpty { text += ": \(message)" }
        if httpStatus != 0 { text += " (HTTP \(httpStatus))" }
        if meansCredentialsGone {
            text += " — the runner's credentials are no longer accepted; register the runner again"
        }
        return text
    }

    // MARK: - Classifying any error

    /// Whether `error` (a ``ConnectError``, a ``TransportError`` or anything else thrown by a call)
    /// is worth retrying unchanged. Cancellation of the calling task is not.
    public static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as ConnectError: return error.isRetryable
        case let error as TransportError: return error.isRetryable
        default: return false
        }
    }

    /// Whether `error` says the runner's credentials are gone (see ``meansCredentialsGone``).
    public static func meansCredentialsGone(_ error: any Error) -> Bool {
        (error as? ConnectError)?.meansCredentialsGone ?? false
    }

    /// Whether `error` is a deadline: the client's own timeout (``TransportError/Kind/timedOut``) or
    /// the server's `deadline_exceeded`. The poller treats this as "no task this time".
    public static func isDeadline(_ error: any Error) -> Bool {
        switch error {
        case let error as ConnectError: return error.code == .deadlineExceeded
        case let error as TransportError: return error.kind == .timedOut
        default: return false
        }
    }

    /// The Connect code of `error` if it is a ``ConnectError``.
    public static func code(of error: any Error) -> Code? {
        (error as? ConnectError)?.code
    }
}
