#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP/1.1 client connection over a TCP socket, with send and receive
/// timeouts. The benchmark uses it to upload with `sendfile` (the client costs next to nothing,
/// so the figures measure the server); tests use it to send what URLSession cannot (truncated
/// bodies, IPv6 literals, raw keep-alive behaviour). Use it from a ``DedicatedThread``.
final class BlockingSocket {
    let descriptor: Int32
    /// Bytes received past the end of a response head.
    private var leftover: [UInt8] = []

    /// Connects to a numeric IPv4 or IPv6 `host`.
    init(host: String, port: Int, timeoutSeconds: Int = 30) throws {
        let isIPv6 = host.contains(":")
        descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, streamSocketType, 0)
        guard descriptor >= 0 else { throw SystemCallError("socket", host) }
        var timeout = timeval(tv_sec: .init(timeoutSeconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { close(descriptor); throw SystemCallError("inet_pton", host, code: EINVAL) }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { close(descriptor); throw SystemCallError("inet_pton", host, code: EINVAL) }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let error = SystemCallError("connect", "\(host):\(port)")
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let sent = systemSend(descriptor, raw.baseAddress! + done, raw.count - done)
                if sent < 0 {
                    if errno == EINTR { continue }
                    throw SystemCallError("send", "socket")
                }
                done += sent
            }
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends `count` bytes of the file `file` starting at `offset`, without copying them through
    /// user space.
    func sendFile(_ file: Int32, offset: Int64, count: Int) throws {
        #if os(Linux)
        var position = off_t(offset)
        var remaining = count
        while remaining > 0 {
            let sent = sendfile(descriptor, file, &position, remaining)
            if sent < 0 {
                if errno == EINTR { continue }
                throw SystemCallError("sendfile", "socket")
            }
            if sent == 0 { throw SystemCallError("sendfile", "socket (file ended early)", code: EIO) }
            remaining -= sent
        }
        #else
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var position = offset
        let end = offset + Int64(count)
        while position < end {
            let want = Int(min(Int64(buffer.count), end - position))
            let got = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress!, want, off_t(position)) }
            guard got > 0 else { throw SystemCallError("pread", "upload source", code: got == 0 ? EIO : errno) }
            try send(Array(buffer[0..<got]))
            position += Int64(got)
        }
        #endif
    }

    /// Ends the sending side (the server sees end of input).
    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Receives up to `maximum` bytes into `buffer`; 0 at end of stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !leftover.isEmpty {
            let count = min(leftover.count, buffer.count)
            leftover.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            leftover.removeFirst(count)
            return count
        }
        while true {
            let got = recv(descriptor, buffer.baseAddress!, buffer.count, 0)
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemCallError("recv", "socket")
            }
            return got
        }
    }

    /// Reads a response head; the body stays to be received.
    func readHead() throws -> RawHTTPResponse {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            if let end = Self.headEnd(data) {
                leftover = Array(data[end...]) + leftover
                return try Self.parseHead(Array(data[..<end]))
            }
            let got = try chunk.withUnsafeMutableBytes { try receive(into: $0) }
            guard got > 0 else { throw SystemCallError("recv", "socket (closed before a response head)", code: ECONNRESET) }
            data += chunk[0..<got]
        }
    }

    /// Reads a whole response: the head, then the body up to `Content-Length` or end of stream.
    func readResponse() throws -> RawHTTPResponse {
        var response = try readHead()
        let length = response.header("content-length").flatMap { Int($0) }
        var body: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while length.map({ body.count < $0 }) ?? true {
            let got = try chunk.withUnsafeMutableBytes { try receive(into: $0) }
            if got == 0 { break }
            body += chunk[0..<got]
        }
        response.body = body
        return response
    }

    /// Whether the peer has closed the connection: waits (up to the receive timeout) for end of stream.
    func waitForEnd() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try receive(into: $0) }
            if got == 0 { return true }
        }
    }

    private static func headEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for index in 0...(data.count - 4) where data[index] == 13 && data[index + 1] == 10 && data[index + 2] == 13 && data[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private static func parseHead(_ bytes: [UInt8]) throws -> RawHTTPResponse {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
              let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw SystemCallError("parse", "response head", code: EPROTO)
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingWhitespace())
        }
        return RawHTTPResponse(status: status, headers: headers, body: [])
    }
}

#if os(Linux)
let streamSocketType = Int32(SOCK_STREAM.rawValue)
#else
let streamSocketType = SOCK_STREAM
#endif

private func systemSend(_ socket: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if os(Linux)
    send(socket, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    send(socket, bytes, count, 0)
    #endif
}

private extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
