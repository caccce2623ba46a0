@testable import Cache

/// Raw HTTP exchanges over a ``BlockingSocket`` on a thread of their own, for what URLSession
/// cannot send or see (truncated bodies, IPv6 literals, the server closing the connection).
enum RawHTTP {
    /// Sends `request` verbatim, half-closes when `closeAfterSending`, and reads the response.
    static func exchange(host: String = "127.0.0.1", port: Int, _ request: [UInt8], closeAfterSending: Bool = false) async throws -> RawHTTPResponse {
        try await DedicatedThread.run {
            let socket = try BlockingSocket(host: host, port: port, timeoutSeconds: 20)
            try socket.send(request)
            if closeAfterSending { socket.shutdownWrite() }
            return try socket.readResponse()
        }
    }

    static func exchange(host: String = "127.0.0.1", port: Int, _ request: String, closeAfterSending: Bool = false) async throws -> RawHTTPResponse {
        try await exchange(host: host, port: port, Array(request.utf8), closeAfterSending: closeAfterSending)
    }
}
