import Foundation
import Hummingbird
import NIOCore

/// Builds responses that end their connection: each carries `Connection: close` and, once the
/// last byte is queued, shuts down the sending side of the socket (after pending writes drain).
/// actions/cache's post step waits for idle keep-alive sockets, so none are left open; a half
/// close (rather than a full one) lets an unread request body drain without a reset.
enum CacheResponse {
    /// A JSON response with `object` as its body.
    static func json(_ status: HTTPResponse.Status, _ object: some Encodable, channel: any Channel) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return bytes(status, ByteBuffer(bytes: data), contentType: "application/json; charset=utf-8", channel: channel)
    }

    /// A JSON error body `{"message": …}` (the field @actions/http-client reports).
    static func failure(_ failure: CacheFailure, channel: any Channel) -> Response {
        json(failure.status, ["message": failure.message], channel: channel)
    }

    /// A response whose body is `buffer`.
    static func bytes(_ status: HTTPResponse.Status, _ buffer: ByteBuffer, contentType: String, channel: any Channel) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.connection] = "close"
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: buffer.readableBytes) { writer in
            try await writer.write(buffer)
            try await writer.finish(nil)
            endConnection(channel)
        })
    }

    /// A response with `headers` (which should carry the length) and no body, as for `HEAD`.
    static func headersOnly(_ status: HTTPResponse.Status, headers: HTTPFields, channel: any Channel) -> Response {
        var headers = headers
        headers[.connection] = "close"
        // An explicit Content-Length in `headers` survives: Response only adds one when absent.
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: nil) { writer in
            try await writer.finish(nil)
            endConnection(channel)
        })
    }

    /// A response streaming `length` bytes produced by `produce`.
    static func stream(_ status: HTTPResponse.Status, headers: HTTPFields, length: Int,
                       channel: any Channel,
                       produce: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        var headers = headers
        headers[.connection] = "close"
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: length) { writer in
            try await produce(&writer)
            try await writer.finish(nil)
            endConnection(channel)
        })
    }

    /// Shuts down the sending side once everything queued is written.
    static func endConnection(_ channel: any Channel) {
        channel.close(mode: .output, promise: nil)
    }
}
