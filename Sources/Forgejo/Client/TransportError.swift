/// A Connect call that failed without a usable HTTP error reply: the server could not be reached,
/// did not answer in time, the TLS handshake failed, or the reply could not be read.
///
/// All kinds except ``Kind/invalidAddress`` and ``Kind/tls`` are retryable: the next attempt may
/// reach a server that has come back.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// Connection refused, reset, closed early, DNS failure, unreachable network.
        case connectionFailed
        /// The call did not complete within its timeout.
        case timedOut
        /// The server answered 200 but the body is not a valid reply (not protobuf, wrong content
        /// type, truncated, too large).
        case malformedReply
        /// The TLS handshake failed (untrusted or invalid certificate, protocol mismatch).
        case tls
        /// The instance address cannot be used (unsupported scheme, no host).
        case invalidAddress
    }

    /// The failure class.
    public var kind: Kind
    /// Details for humans (the underlying error, what was expected).
    public var message: String
    /// The called procedure, when known.
    public var method: String?
    /// The URL that was called, when known.
    public var url: String?

    /// Creates an error value.
    public init(kind: Kind, message: String, method: String? = nil, url: String? = nil) {
        self.kind = kind
        self.message = message
        self.method = method
        self.url = url
    }

    /// Whether the same call may succeed later.
    public var isRetryable: Bool {
        switch kind {
        case .connectionFailed, .timedOut, .malformedReply: return true
        case .tls, .invalidAddress: return false
        }
    }

    /// A one-line explanation for logs and terminals.
    public var description: String {
        let prefix = method.map { "\($0): " } ?? ""
        let target = url.map { " (\($0))" } ?? ""
        switch kind {
        case .connectionFailed:
            return "\(prefix)cannot reach the Forgejo instance\(target): \(message)"
        case .timedOut:
            return "\(prefix)no reply from the Forgejo instance in time\(target): \(message)"
        case .malformedReply:
            return "\(prefix)unreadable reply from the Forgejo instance\(target): \(message)"
        case .tls:
            return "\(prefix)TLS failure talking to the Forgejo instance\(target): \(message) "
                + "(set runner.insecure or give the CA certificate file if the certificate is self-signed)"
        case .invalidAddress:
            return "\(prefix)invalid Forgejo instance address: \(message)"
        }
    }
}
