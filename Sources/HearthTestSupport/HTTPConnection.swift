import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A malformed request or a broken connection.
struct HTTPConnectionError: Error {
    var message: String
}

/// Reads requests from and writes responses to one accepted socket.
struct HTTPConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    /// Largest accepted header block and body, to keep a misbehaving client bounded.
    static let maximumHeaderBytes = 64 * 1024
    static let maximumBodyBytes = 256 * 1024 * 1024

    init(fd: Int32) {
        self.fd = fd
    }

    /// Reads the request line and headers (not the body).
    mutating func readHead() throws(HTTPConnectionError) -> HTTPRequest {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        var searchFrom = 0
        while true {
            if let end = find(terminator, from: searchFrom) {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + terminator.count)
                return try parseHead(head)
            }
            searchFrom = max(0, buffer.count - terminator.count)
            if buffer.count > Self.maximumHeaderBytes { throw HTTPConnectionError(message: "header too large") }
            try fill()
        }
    }

    /// Reads the body announced by `request`'s headers: Content-Length or chunked transfer coding.
    mutating func readBody(of request: inout HTTPRequest) throws(HTTPConnectionError) {
        if let coding = request.header("Transfer-Encoding"), coding.lowercased().contains("chunked") {
            request.body = try readChunked()
        } else if let lengthText = request.header("Content-Length") {
            guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0,
                length <= Self.maximumBodyBytes
            else { throw HTTPConnectionError(message: "bad Content-Length") }
            request.body = try readExactly(length)
        }
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return }
            offset += sent
        }
    }

    private mutating func readChunked() throws(HTTPConnectionError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw HTTPConnectionError(message: "bad chunk size '\(sizeLine)'")
            }
            if size == 0 {
                // Trailers, up to the empty line.
                while try !readLine().isEmpty {}
                return body
            }
            guard body.count + size <= Self.maximumBodyBytes else { throw HTTPConnectionError(message: "body too large") }
            body += try readExactly(size)
            guard try readLine().isEmpty else { throw HTTPConnectionError(message: "missing CRLF after chunk") }
        }
    }

    private mutating func readLine() throws(HTTPConnectionError) -> String {
        let newline: [UInt8] = [13, 10]
        while true {
            if let end = find(newline, from: 0) {
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            if buffer.count > Self.maximumHeaderBytes { throw HTTPConnectionError(message: "line too long") }
            try fill()
        }
    }

    private mutating func readExactly(_ count: Int) throws(HTTPConnectionError) -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private mutating func fill() throws(HTTPConnectionError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
                return
            }
            if count < 0 && errno == EINTR { continue }
            throw HTTPConnectionError(message: count == 0 ? "connection closed" : "receive failed (\(errno))")
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= needle.count, start <= buffer.count - needle.count else { return nil }
        var index = start
        while index <= buffer.count - needle.count {
            if buffer[index] == needle[0] && Array(buffer[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private func parseHead(_ head: String) throws(HTTPConnectionError) -> HTTPRequest {
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            throw HTTPConnectionError(message: "bad request line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw HTTPConnectionError(message: "bad header line") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return HTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
    }
}
