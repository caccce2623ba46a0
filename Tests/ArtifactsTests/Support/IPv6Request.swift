import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request to `[::1]:port` over a plain socket on a thread of its own: URLSession
/// on Linux cannot address IPv6 literals. Returns the status code.
enum IPv6Request {
    static func status(port: Int, path: String, token: String) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try exchange(port: port, path: path, token: token) })
            }.start()
        }
    }

    struct Failure: Error {
        let message: String
    }

    private static func exchange(port: Int, path: String, token: String) throws -> Int {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(message: "socket") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        address.sin6_addr = in6addr_loopback
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect") }
        let request = "GET \(path) HTTP/1.1\r\nHost: [::1]:\(port)\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let line = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self)
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let status = Int(fields[1]) else { throw Failure(message: "bad response \(line)") }
        return status
    }
}
