import Foundation
import Hummingbird
import NIOCore

/// The responses of both protocols: JSON bodies, the two error shapes (`{"message"}` for v3 and
/// the blob URLs, as @actions/http-client reports it; `{"code","msg"}` for Twirp) and empty ones.
enum ArtifactResponse {
    static func json(_ status: HTTPResponse.Status, _ object: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(object)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func failure(_ failure: ArtifactFailure) -> Response {
        json(failure.status, ["message": failure.message])
    }

    static func twirpFailure(_ failure: ArtifactFailure) -> Response {
        json(failure.status, ["code": failure.twirpCode, "msg": failure.message])
    }

    /// A bodiless response (the blob service's `201 Created`).
    static func empty(_ status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentLength] = "0"
        return Response(status: status, headers: headers, body: ResponseBody())
    }
}
