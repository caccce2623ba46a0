import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP calls from the agent to the controller: fetch the job, upload records. Each call is a
/// short request; nothing stays open between them, so no proxy idle timeout or API-server
/// restart can cut a step's output.
public struct AgentChannelClient: Sendable {
    public let baseURL: String
    public let taskID: Int64
    private let token: String
    private let http: HTTPClient

    public enum Failure: Error, CustomStringConvertible {
        /// 404: the controller has no such task and no pod for it.
        case unknownTask
        /// 401/403: the token was refused.
        case refused
        /// 503 while the pod's services are not ready yet, and other transient answers.
        case notReady(String)
        case unexpected(Int, String)

        public var description: String {
            switch self {
            case .unknownTask: return "the controller does not know this task"
            case .refused: return "the controller refused the agent's token"
            case .notReady(let message): return "not ready: \(message)"
            case .unexpected(let status, let body): return "HTTP \(status): \(body)"
            }
        }
    }

    public init(baseURL: String, taskID: Int64, token: String, http: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.taskID = taskID
        self.token = token
        self.http = http
    }

    /// The job; the controller answers once the pod's services are ready.
    public func fetchJob() async throws -> AgentJob {
        let body = try await call(method: .GET, path: AgentChannelPath.job(taskID), body: nil, timeout: .seconds(40))
        return try JSONDecoder().decode(AgentJob.self, from: body)
    }

    /// Uploads records starting at `from` (pre-encoded JSON objects).
    public func upload(from: Int, records: [Data]) async throws -> AgentAcknowledgement {
        var body = Data("{\"from\":\(from),\"records\":[".utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(record)
        }
        body.append(contentsOf: Array("]}".utf8))
        let reply = try await call(method: .POST, path: AgentChannelPath.records(taskID), body: body, timeout: .seconds(30))
        return try JSONDecoder().decode(AgentAcknowledgement.self, from: reply)
    }

    private func call(method: HTTPMethod, path: String, body: Data?, timeout: TimeAmount) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        switch response.status.code {
        case 200: return data
        case 404: throw Failure.unknownTask
        case 401, 403: throw Failure.refused
        case 503: throw Failure.notReady(String(decoding: data, as: UTF8.self))
        default: throw Failure.unexpected(Int(response.status.code), String(decoding: data.prefix(500), as: UTF8.self))
        }
    }
}

/// The controller's answer to an upload: the next sequence number it expects (records before it
/// are kept for good), whether the job must be cancelled, and whether the finished job is reported.
public struct AgentAcknowledgement: Codable, Sendable {
    public var next: Int
    public var cancel: Bool
    public var reason: String?
    /// The controller has reported the finished job to Forgejo: the agent may exit.
    public var closed: Bool

    public init(next: Int, cancel: Bool, reason: String? = nil, closed: Bool = false) {
        self.next = next
        self.cancel = cancel
        self.reason = reason
        self.closed = closed
    }
}
