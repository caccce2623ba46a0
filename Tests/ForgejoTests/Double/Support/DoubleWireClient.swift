import ForgejoProtocol
import ForgejoTestDouble
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwiftProtobuf

/// A Connect error (or any non-200 answer) seen by the test client.
struct DoubleWireError: Error, CustomStringConvertible {
    var status: Int
    /// The JSON `code`, or "" when the body was not a Connect error.
    var code: String
    var message: String
    var contentType: String
    var body: Data

    var description: String { "HTTP \(status) \(code): \(message)" }
}

/// Which codec the client speaks.
enum DoubleWireCodec: Sendable {
    case proto
    case json

    var contentType: String { self == .proto ? "application/proto" : "application/json" }
}

/// A minimal Connect unary client over URLSession, speaking the generated messages. It is the
/// test's own implementation of the wire protocol (not Hearth's client), so the double is checked
/// against the specification rather than against the code it is meant to test.
struct DoubleWireClient: Sendable {
    let baseURL: String
    let session: URLSession
    var codec: DoubleWireCodec = .proto

    init(baseURL: String, codec: DoubleWireCodec = .proto, timeout: TimeInterval = 10) {
        self.baseURL = baseURL
        self.codec = codec
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: configuration)
    }

    /// POSTs raw bytes to `path` (relative to the base URL).
    func post(_ path: String, body: Data, headers: [String: String] = [:], method: String = "POST") async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if method != "GET" { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        return (data, response as! HTTPURLResponse)
    }

    /// Calls `method` of `service` (`runner.v1.RunnerService`) and decodes the reply.
    func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String, _ request: Request, as type: Response.Type, service: String = "runner.v1.RunnerService",
        credentials: RunnerCredentials? = nil, requestKey: String? = nil, extraHeaders: [String: String] = [:]
    ) async throws -> Response {
        var headers = ["Content-Type": codec.contentType, "Connect-Protocol-Version": "1"]
        if let credentials {
            headers["x-runner-uuid"] = credentials.uuid
            headers["x-runner-token"] = credentials.token
        }
        if let requestKey { headers["x-runner-request-key"] = requestKey }
        headers.merge(extraHeaders) { _, new in new }
        let body = codec == .proto ? try request.serializedData() : try request.jsonUTF8Data()
        let (data, response) = try await post("/api/actions/\(service)/\(method)", body: body, headers: headers)
        let contentType = response.value(forHTTPHeaderField: "Content-Type") ?? ""
        guard response.statusCode == 200 else {
            var code = ""
            var message = String(decoding: data, as: UTF8.self)
            if contentType.hasPrefix("application/json"),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                code = object["code"] as? String ?? ""
                message = object["message"] as? String ?? ""
            }
            throw DoubleWireError(status: response.statusCode, code: code, message: message,
                                   contentType: contentType, body: data)
        }
        switch codec {
        case .proto: return try Response(serializedBytes: data)
        case .json: return try Response(jsonUTF8Data: data)
        }
    }

    /// The admin API: GET or POST `path` under `/_double/`, JSON decoded with JSONSerialization.
    func admin(_ path: String, method: String = "GET", body: Data = Data()) async throws -> (Any, Int) {
        let (data, response) = try await post("/_double/\(path)", body: body, method: method)
        let object = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? String(decoding: data, as: UTF8.self)
        return (object, response.statusCode)
    }
}
