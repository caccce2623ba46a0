import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
@testable import Artifacts

/// An ``ArtifactServer`` on loopback in a fresh temporary directory, with a URLSession client and
/// the environment a job of run ``runID`` would get.
final class ArtifactTestServer: Sendable {
    let directory: String
    let server: ArtifactServer
    let port: Int
    let runID: String
    let environment: [String: String]
    private let session: URLSession

    static let quietLogger: Logger = {
        var logger = Logger(label: "artifact-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func start(runID: String = "4242", advertisedHost: String? = nil, host: String = "::") async throws -> ArtifactTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-artifact-tests-\(UUID().uuidString)").path
        let server = ArtifactServer(directory: directory, advertisedHost: advertisedHost, logger: quietLogger)
        let port = try await server.start(host: host, port: 0)
        return ArtifactTestServer(directory: directory, server: server, port: port, runID: runID)
    }

    private init(directory: String, server: ArtifactServer, port: Int, runID: String) {
        self.directory = directory
        self.server = server
        self.port = port
        self.runID = runID
        environment = server.environment(runID: runID)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    func stop() async {
        await server.stop()
        session.finishTasksAndInvalidate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var runtimeURL: String { environment["ACTIONS_RUNTIME_URL"]! }
    var token: String { environment["ACTIONS_RUNTIME_TOKEN"]! }

    /// A request to an absolute URL; `token` nil sends no `Authorization`.
    func send(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:],
              token: String?) async throws -> HTTPResult {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = body }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }
}
