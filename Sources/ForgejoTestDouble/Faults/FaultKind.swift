/// A failure the double injects instead of (or around) a normal answer, for robustness tests.
public enum FaultKind: Sendable, Hashable {
    /// Answer with this Connect error (JSON body, HTTP status of the code); the request is not processed.
    case connectError(ConnectCode, message: String)
    /// Answer with any HTTP status, content type and body (e.g. a reverse proxy's page).
    case http(status: Int, contentType: String, body: String)
    /// HTTP 200 with the call's content type and a body that is not a valid message.
    case garbageBody
    /// Close the connection without answering; the request is not processed.
    case dropConnection
    /// Process the request (state changes happen), then close the connection without answering:
    /// the reply is lost, as in §3.4.5.
    case dropAfterProcessing
    /// Wait, then process and answer normally. Longer than the client's timeout, the client gives
    /// up while the server still processes the call (another way to lose a reply).
    case delay(Duration)

    /// A Connect error with a generic message.
    public static func connectError(_ code: ConnectCode) -> FaultKind {
        .connectError(code, message: "injected by the Forgejo test double")
    }

    /// HTTP 502 with an HTML page, as nginx answers when the upstream is down.
    public static var badGateway: FaultKind {
        .http(status: 502, contentType: "text/html",
              body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    }

    /// HTTP 503 with a plain-text body, as a load balancer answers during a deploy.
    public static var serviceUnavailable: FaultKind {
        .http(status: 503, contentType: "text/plain", body: "Service Unavailable\n")
    }
}
