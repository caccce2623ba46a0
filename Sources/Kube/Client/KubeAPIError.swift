import Foundation

/// A failed API request: the HTTP status and, from the `Status` object the API server returns,
/// its `reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, …) and message.
public struct KubeAPIError: Error, CustomStringConvertible, Sendable, Hashable {
    public var statusCode: Int
    public var reason: String
    public var message: String
    /// The server's `Retry-After` (or `details.retryAfterSeconds`), when it gave one.
    public var retryAfter: Duration?
    /// The Status object as received, when the body was one.
    public var status: JSONValue?

    public init(statusCode: Int, reason: String, message: String, retryAfter: Duration? = nil, status: JSONValue? = nil) {
        self.statusCode = statusCode
        self.reason = reason
        self.message = message
        self.retryAfter = retryAfter
        self.status = status
    }

    /// From a `Status` object (an HTTP error body or a watch ERROR event's object).
    public init(status: JSONValue, statusCode fallback: Int = 500, retryAfter: Duration? = nil) {
        let code = status["code"]?.intValue ?? fallback
        let retry = retryAfter ?? status[path: "details", "retryAfterSeconds"]?.intValue.map { Duration.seconds($0) }
        self.init(statusCode: code, reason: status["reason"]?.stringValue ?? Self.defaultReason(code),
                  message: status["message"]?.stringValue ?? "", retryAfter: retry, status: status)
    }

    /// From an HTTP response: the body is a Status when the server is an API server, text otherwise.
    init(statusCode: Int, body: Data, retryAfterHeader: String?) {
        let retryAfter = retryAfterHeader.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds($0) }
        if let parsed = try? JSONValue(parsing: body), parsed["kind"]?.stringValue == "Status" {
            self.init(status: parsed, statusCode: statusCode, retryAfter: retryAfter)
            self.statusCode = statusCode
        } else {
            let text = String(decoding: body.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            self.init(statusCode: statusCode, reason: Self.defaultReason(statusCode), message: text, retryAfter: retryAfter)
        }
    }

    public var isNotFound: Bool { statusCode == 404 }
    public var isConflict: Bool { statusCode == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { statusCode == 409 && reason == "AlreadyExists" }
    /// 410: the requested resourceVersion is older than the server keeps (`Expired`/`Gone`).
    public var isGone: Bool { statusCode == 410 }
    public var isInvalid: Bool { statusCode == 422 }
    public var isTooManyRequests: Bool { statusCode == 429 }
    public var isUnauthorized: Bool { statusCode == 401 }

    public var description: String {
        "Kubernetes API error \(statusCode) \(reason)\(message.isEmpty ? "" : ": \(message)")"
    }

    static func defaultReason(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
