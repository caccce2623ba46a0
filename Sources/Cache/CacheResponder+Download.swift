import Foundation
import Hummingbird
import Glibc
import NIOCore

extension CacheResponder {
    /// `GET`/`HEAD artifacts/<id>`: streams a committed entry (or one `Range` of it), reading
    /// ``readChunkBytes`` at a time with the next read under way while the current chunk is sent.
    func download(_ request: Request, id: Int64, scope: CacheScope, channel: any Channel) async throws -> Response {
        let (entry, file) = try await store.openEntry(id: id, scope: scope)
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        let span: Range<Int64>
        var status = HTTPResponse.Status.ok
        switch ContentRange.parseDownload(request.headers[.range], size: entry.size) {
        case .whole:
            span = 0..<entry.size
        case .partial(let range):
            span = range
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(entry.size)"
        case .unsatisfiable:
            var response = CacheResponse.failure(CacheFailure(.rangeNotSatisfiable, "range not satisfiable"), channel: channel)
            response.headers[.contentRange] = "bytes */\(entry.size)"
            return response
        }
        let length = span.upperBound - span.lowerBound
        if request.method == .head {
            headers[.contentLength] = "\(length)"
            return CacheResponse.headersOnly(status, headers: headers, channel: channel)
        }
        let pool = threadPool
        let allocator = MappedBufferAllocator.allocator
        let chunk = Int64(Self.readChunkBytes)
        return CacheResponse.stream(status, headers: headers, length: Int(length), channel: channel) { writer in
            @Sendable func read(_ offset: Int64) async throws -> ByteBuffer {
                let count = Int(min(chunk, span.upperBound - offset))
                let buffer = try await pool.runIfActive { try file.read(count: count, at: offset, allocator: allocator) }
                guard buffer.readableBytes == count else {
                    throw SystemCallError("pread", file.path + " (shorter than its index entry)", code: 5)
                }
                return buffer
            }
            var offset = span.lowerBound
            guard offset < span.upperBound else { return }
            var current = try await read(offset)
            while true {
                let following = offset + Int64(current.readableBytes)
                if following < span.upperBound && ProcessInfo.processInfo.environment["XB_NOAHEAD"] != nil {
                    try await writer.write(current)
                    current = try await read(following)
                    offset = following
                } else if following < span.upperBound {
                    async let next = read(following)
                    try await writer.write(current)
                    let live = liveBlocks.withLock { $0.live }
                    if live >= 5 { let text = Array("after write live \(live) writable \(channel.isWritable)\n".utf8); _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) } }
                    current = try await next
                    offset = following
                } else {
                    try await writer.write(current)
                    return
                }
            }
        }
    }
}
