import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes HTTP requests: the runner API under `/api/actions/` (Connect unary, POST only), the
/// admin API under `/_double/`, and 404 for everything else. Applies injected faults and gzip.
struct DoubleResponder: HTTPResponder {
    typealias Context = DoubleRequestContext

    let double: ForgejoDouble

    static let apiPrefix = "/api/actions/"

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if double.configuration.adminAPI && (path == "/_double" || path.hasPrefix("/_double/")) {
            return await AdminAPI(double: double).respond(to: request, context: context)
        }
        guard path.hasPrefix(Self.apiPrefix), let procedure = Procedure(rawValue: String(path.dropFirst(Self.apiPrefix.count))),
              !(double.configuration.giteaMode && procedure == .fetchSingleTask) else {
            return Self.text(404, "404 page not found\n")
        }
        guard request.method == .post else {
            var response = Self.text(405, "405 method not allowed\n")
            response.headers[.allow] = "POST"
            return response
        }
        guard let codec = ConnectCodec(contentType: request.headers[.contentType]) else {
            var response = Self.text(415, "415 unsupported media type\n")
            response.headers[HTTPField.Name("Accept-Post")!] = "application/json, application/proto"
            return response
        }
        if let encoding = request.headers[.contentEncoding], !encoding.isEmpty, encoding.lowercased() != "identity" {
            return Self.error(RPCError(.unimplemented, "unknown compression \"\(encoding)\": the Forgejo test double accepts only uncompressed requests"))
        }
        var request = request
        let body: Data
        do {
            let buffer = try await request.collectBody(upTo: double.configuration.maximumRequestBytes)
            body = Data(buffer: buffer)
        } catch {
            return Self.error(RPCError(.resourceExhausted, "message size is larger than the configured limit \(double.configuration.maximumRequestBytes)"))
        }

        var dropAfterwards = false
        var delay: Duration?
        switch double.takeFault(method: procedure.method) {
        case .none:
            break
        case .connectError(let code, let message):
            return Self.error(RPCError(code, message))
        case .http(let status, let contentType, let text):
            var response = Self.text(status, text)
            response.headers[.contentType] = contentType
            return response
        case .garbageBody:
            return Self.bytes(200, codec.contentType, codec.garbage)
        case .dropConnection:
            return await Self.drop(context)
        case .dropAfterProcessing:
            dropAfterwards = true
        case .delay(let duration):
            delay = duration
        }

        let headers = RPCHeaders(runnerUUID: request.headers[HTTPField.Name("x-runner-uuid")!] ?? "",
                                 runnerToken: request.headers[HTTPField.Name("x-runner-token")!] ?? "",
                                 requestKey: request.headers[HTTPField.Name("x-runner-request-key")!] ?? "")
        let outcome: Result<Data, RPCError>
        if let delay {
            // An unstructured task: when the client gives up and the connection closes, Hummingbird
            // may cancel this handler, but the delayed call must still be processed (a lost reply).
            let double = self.double
            outcome = await Task {
                try? await Task.sleep(for: delay)
                return double.handle(procedure, codec: codec, body: body, headers: headers)
            }.value
        } else {
            outcome = double.handle(procedure, codec: codec, body: body, headers: headers)
        }
        if dropAfterwards { return await Self.drop(context) }
        switch outcome {
        case .success(let data):
            let compress = double.configuration.compressResponses && procedure.compressesResponses
                && data.count >= 1024 && Gzip.isAccepted(by: request.headers[.acceptEncoding])
            var response = Self.bytes(200, codec.contentType, compress ? Gzip.encode(data) : data)
            if compress { response.headers[.contentEncoding] = "gzip" }
            return response
        case .failure(let error):
            return Self.error(error)
        }
    }

    // MARK: - Responses

    static func error(_ error: RPCError) -> Response {
        bytes(error.code.httpStatus, "application/json", error.jsonBody)
    }

    static func text(_ status: Int, _ text: String) -> Response {
        bytes(status, "text/plain; charset=utf-8", Data(text.utf8))
    }

    static func bytes(_ status: Int, _ contentType: String, _ data: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: Self.status(status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func status(_ code: Int) -> HTTPResponse.Status {
        let phrases: [Int: String] = [
            200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 415: "Unsupported Media Type", 429: "Too Many Requests",
            499: "Client Closed Request", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout",
        ]
        return HTTPResponse.Status(code: code, reasonPhrase: phrases[code] ?? "")
    }

    /// Closes the connection; the response returned afterwards is never written.
    static func drop(_ context: Context) async -> Response {
        try? await context.channel.close()
        return Response(status: .internalServerError)
    }
}
