import Hummingbird
import NIOCore

extension CacheResponder {
    /// `GET`/`HEAD artifacts/<id>`: streams a committed entry (or one `Range` of it), reading
    /// ``readChunkBytes`` at a time on the thread pool, with the next read under way while the
    /// current chunk is sent.
    ///
    /// At most about three chunks are held per download: the one being sent, the one read ahead,
    /// and what the channel has not written yet. Waiting for the writer alone is not enough: its
    /// writability only changes once the event loop has run the queued writes, and an event loop
    /// slowed by a busy machine would let chunks pile up in its task queue, so after each chunk
    /// the download also waits for the event loop to catch up.
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
        let chunk = Int64(Self.readChunkBytes)
        return CacheResponse.stream(status, headers: headers, length: Int(length), channel: channel) { writer in
            @Sendable func read(_ offset: Int64) async throws -> ByteBuffer {
                let count = Int(min(chunk, span.upperBound - offset))
                let buffer = try await pool.runIfActive {
                    try file.read(count: count, at: offset, allocator: MappedBufferAllocator.allocator)
                }
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
                guard following < span.upperBound else {
                    try await writer.write(current)
                    return
                }
                async let next = read(following)
                try await writer.write(current)
                try await channel.eventLoop.submit {}.get()
                current = try await next
                offset = following
            }
        }
    }
}
