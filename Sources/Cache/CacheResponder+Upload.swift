import Hummingbird
import NIOCore

extension CacheResponder {
    /// `PATCH caches/<id>`: streams one chunk to its offset in the upload file. The body is never
    /// held whole: up to ``writeBatchBytes`` of received buffers are written at once with
    /// positioned writes, so chunks of one upload may arrive concurrently and in any order.
    func upload(_ request: Request, id: Int64, scope: CacheScope, channel: any Channel) async throws -> Response {
        guard let header = request.headers[.contentRange] else {
            throw CacheFailure.badRequest("a Content-Range header (bytes <first>-<last>/*) is required")
        }
        guard let range = ContentRange.parseUpload(header) else {
            throw CacheFailure.badRequest("malformed Content-Range \"\(header)\": expected bytes <first>-<last>/*")
        }
        let length = range.upperBound - range.lowerBound
        if let declared = request.headers[.contentLength], Int64(declared) != length {
            throw CacheFailure.badRequest("Content-Length \(declared) differs from the \(length) bytes Content-Range names")
        }
        let (ticket, file) = try await store.beginChunk(id: id, range: range, scope: scope)
        do {
            let received = try await write(request.body, to: file, at: range.lowerBound, limit: length)
            guard received == length else {
                throw CacheFailure.badRequest("truncated chunk: received \(received) of \(length) bytes")
            }
        } catch {
            await store.endChunk(id: id, ticket: ticket, completed: false)
            throw error
        }
        await store.endChunk(id: id, ticket: ticket, completed: true)
        return CacheResponse.json(.ok, [String: String](), channel: channel)
    }

    /// Writes `body` at `offset` and returns how many bytes it had (failing as soon as it passes
    /// `limit`).
    private func write(_ body: RequestBody, to file: PositionedFile, at offset: Int64, limit: Int64) async throws -> Int64 {
        do {
            return try await file.write(body, at: offset, limit: limit, batchBytes: Self.writeBatchBytes, threadPool: threadPool)
        } catch BodyWriteFailure.interrupted(let error) {
            throw CacheFailure.badRequest("the upload was interrupted: \(error)")
        } catch BodyWriteFailure.longerThan(let limit) {
            throw CacheFailure.badRequest("the body is longer than the \(limit) bytes Content-Range names")
        }
    }
}
