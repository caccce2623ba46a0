import Cache
import Hummingbird
import NIOCore
import NIOPosix

/// Moves bytes between request bodies, files and responses without holding a whole body: writes
/// gather up to ``writeBatchBytes`` of received buffers into one positioned write, reads go
/// ``readChunkBytes`` at a time, all on the thread pool.
enum FileTransfer {
    static let writeBatchBytes = 256 << 10
    static let readChunkBytes = 1 << 20

    /// Writes `body` at `offset` and returns how many bytes it had, failing with 400 as soon as it
    /// passes `limit`.
    static func write(_ body: RequestBody, to file: PositionedFile, at offset: Int64, limit: Int64?,
                      threadPool: NIOThreadPool) async throws -> Int64 {
        do {
            return try await file.write(body, at: offset, limit: limit, batchBytes: writeBatchBytes, threadPool: threadPool)
        } catch BodyWriteFailure.interrupted(let error) {
            throw ArtifactFailure.badRequest("the upload was interrupted: \(error)")
        } catch BodyWriteFailure.longerThan(let limit) {
            throw ArtifactFailure.badRequest("the body is longer than the \(limit) bytes announced")
        }
    }

    /// Concatenates `sources` into a new file at `target`; returns its size.
    static func concatenate(_ sources: [String], into target: String, threadPool: NIOThreadPool) async throws -> Int64 {
        try await threadPool.runIfActive {
            let output = try PositionedFile.open(target, writable: true, create: true, truncate: true)
            var position: Int64 = 0
            let allocator = ByteBufferAllocator()
            for source in sources {
                let input = try PositionedFile.open(source, writable: false)
                var offset: Int64 = 0
                while true {
                    let buffer = try input.read(count: readChunkBytes, at: offset, allocator: allocator)
                    if buffer.readableBytes == 0 { break }
                    try output.write([buffer], at: position)
                    offset += Int64(buffer.readableBytes)
                    position += Int64(buffer.readableBytes)
                }
            }
            return position
        }
    }

    /// A response streaming all `size` bytes of `file`, with the next chunk read while the current
    /// one is sent; after each chunk it waits for the event loop to catch up, so a busy machine
    /// cannot pile chunks up in the loop's queue.
    static func response(_ file: PositionedFile, size: Int64, headers: HTTPFields, head: Bool,
                         channel: any Channel, threadPool: NIOThreadPool) -> Response {
        var headers = headers
        if head {
            headers[.contentLength] = "\(size)"
            // An explicit Content-Length survives: Response only adds one when absent.
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: nil) { writer in
                try await writer.finish(nil)
            })
        }
        let chunk = Int64(readChunkBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(size)) { writer in
            @Sendable func read(_ offset: Int64) async throws -> ByteBuffer {
                let count = Int(min(chunk, size - offset))
                let buffer = try await threadPool.runIfActive {
                    try file.read(count: count, at: offset, allocator: ByteBufferAllocator())
                }
                guard buffer.readableBytes == count else {
                    throw ArtifactFailure.internalError("\(file.path) is shorter than expected")
                }
                return buffer
            }
            var offset: Int64 = 0
            if offset < size {
                var current = try await read(offset)
                while true {
                    let following = offset + Int64(current.readableBytes)
                    guard following < size else {
                        try await writer.write(current)
                        break
                    }
                    async let next = read(following)
                    try await writer.write(current)
                    try await channel.eventLoop.submit {}.get()
                    current = try await next
                    offset = following
                }
            }
            try await writer.finish(nil)
        })
    }
}
