import Hummingbird
import NIOCore
import NIOPosix

/// Why a request body could not be written whole.
package enum BodyWriteFailure: Error {
    /// The client stopped sending.
    case interrupted(any Error)
    /// The body passed the limit (the bytes announced); nothing more was read.
    case longerThan(Int64)
}

extension PositionedFile {
    /// Writes `body` at `offset` without holding it whole: received buffers are written in
    /// batches of `batchBytes` on `threadPool`. Returns how many bytes the body had; throws
    /// ``BodyWriteFailure`` as soon as the body stops or passes `limit`.
    package func write(_ body: RequestBody, at offset: Int64, limit: Int64?, batchBytes: Int, threadPool: NIOThreadPool) async throws -> Int64 {
        var iterator = body.makeAsyncIterator()
        var pending: [ByteBuffer] = []
        var pendingBytes = 0
        var position = offset
        var received: Int64 = 0
        while true {
            let next: ByteBuffer?
            do {
                next = try await iterator.next()
            } catch {
                throw BodyWriteFailure.interrupted(error)
            }
            if let buffer = next {
                received += Int64(buffer.readableBytes)
                if let limit, received > limit { throw BodyWriteFailure.longerThan(limit) }
                pending.append(buffer)
                pendingBytes += buffer.readableBytes
            }
            if pendingBytes > 0 && (pendingBytes >= batchBytes || next == nil) {
                let batch = pending
                let at = position
                try await threadPool.runIfActive { try self.write(batch, at: at) }
                position += Int64(pendingBytes)
                pending.removeAll(keepingCapacity: true)
                pendingBytes = 0
            }
            if next == nil { return received }
        }
    }
}
