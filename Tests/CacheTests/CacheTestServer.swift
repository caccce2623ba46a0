import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
@testable import Cache

/// A ``CacheServer`` on loopback in a fresh temporary directory, with a URLSession client.
final class CacheTestServer: Sendable {
    let directory: String
    let server: CacheServer
    let port: Int
    private let session: URLSession

    static let quietLogger: Logger = {
        var logger = Logger(label: "cache-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A new temporary directory (removed by ``stop(removing:)``).
    static func makeDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cache-tests-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts a server; `configure` adjusts the configuration (directory and secret preset).
    static func start(directory: String? = nil, host: String = "::",
                      configure: (inout CacheServerConfiguration) -> Void = { _ in }) async throws -> CacheTestServer {
        let directory = directory ?? makeDirectory()
        var configuration = CacheServerConfiguration(directory: directory, secret: "test-secret")
        configure(&configuration)
        let server = CacheServer(configuration: configuration, logger: quietLogger)
        let port = try await server.start(host: host, port: 0)
        return CacheTestServer(directory: directory, server: server, port: port)
    }

    private init(directory: String, server: CacheServer, port: Int) {
        self.directory = directory
        self.server = server
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    /// Stops the server and (by default) removes its directory.
    func stop(removing: Bool = true) async {
        await server.stop()
        session.finishTasksAndInvalidate()
        if removing { try? FileManager.default.removeItem(atPath: directory) }
    }

    func token(_ repository: String = "owner/repo", ref: String? = nil) -> String {
        server.issueToken(repository: repository, ref: ref)
    }

    /// `<method> http://127.0.0.1:<port>/<token>/_apis/artifactcache/<resource>` (what a job
    /// reaches through `ACTIONS_CACHE_URL`, whatever address the server advertises).
    func call(_ method: String, _ resource: String, token: String, body: Data? = nil,
              headers: [String: String] = [:]) async throws -> HTTPResult {
        try await send(method, "http://127.0.0.1:\(port)/\(token)/_apis/artifactcache/" + resource, body: body, headers: headers)
    }

    /// A request to an absolute URL.
    func send(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            if request.value(forHTTPHeaderField: "Content-Type") == nil {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
        }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    // MARK: Protocol steps

    func reserve(_ key: String, version: String = "v1", size: Int? = nil, token: String) async throws -> HTTPResult {
        var object: [String: Any] = ["key": key, "version": version]
        if let size { object["cacheSize"] = size }
        return try await call("POST", "caches", token: token, body: try JSONSerialization.data(withJSONObject: object))
    }

    func upload(_ id: Int64, _ data: Data, at offset: Int, token: String) async throws -> HTTPResult {
        try await call("PATCH", "caches/\(id)", token: token, body: data, headers: [
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes \(offset)-\(offset + data.count - 1)/*",
        ])
    }

    func commit(_ id: Int64, size: Int, token: String) async throws -> HTTPResult {
        try await call("POST", "caches/\(id)", token: token, body: Data(#"{"size":\#(size)}"#.utf8))
    }

    func lookup(_ keys: [String], version: String = "v1", token: String) async throws -> HTTPResult {
        let encoded = keys.joined(separator: ",").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await call("GET", "cache?keys=\(encoded)&version=\(version)", token: token)
    }

    /// Reserves, uploads `data` in `chunk`-byte pieces (in order) and commits; returns the id.
    @discardableResult
    func save(_ key: String, _ data: Data, version: String = "v1", token: String, chunk: Int = 1 << 16) async throws -> Int64 {
        let reserved = try await reserve(key, version: version, size: data.count, token: token)
        #expect(reserved.status == 200, "reserve \(key): \(reserved.text)")
        let id = try #require(reserved.json["cacheId"] as? Int64)
        var offset = 0
        while offset < data.count {
            let piece = data.subdata(in: offset..<min(offset + chunk, data.count))
            let uploaded = try await upload(id, piece, at: offset, token: token)
            #expect(uploaded.status == 200, "upload \(key) at \(offset): \(uploaded.text)")
            offset += piece.count
        }
        let committed = try await commit(id, size: data.count, token: token)
        #expect(committed.status == 200, "commit \(key): \(committed.text)")
        return id
    }

    /// Looks `keys` up and downloads the hit: its key and data, or nil on 204.
    func restore(_ keys: [String], version: String = "v1", token: String) async throws -> (key: String, data: Data)? {
        let found = try await lookup(keys, version: version, token: token)
        if found.status == 204 { return nil }
        #expect(found.status == 200, "lookup: \(found.text)")
        let location = try #require(found.json["archiveLocation"] as? String)
        let download = try await send("GET", location)
        #expect(download.status == 200)
        return (try #require(found.json["cacheKey"] as? String), download.body)
    }

    /// `count` pseudo-random bytes.
    static func randomData(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
