import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// Serves the `_apis/artifactcache` protocol of the actions/cache toolkit (the legacy, v1–v3
/// service as spoken to Gitea, Forgejo and act servers):
///
/// | request | purpose |
/// |---|---|
/// | `GET cache?keys=k1,k2&version=v` | find an entry: 200 with `archiveLocation`, or 204 |
/// | `POST caches` `{key, version, cacheSize?}` | reserve an upload: `{cacheId}` |
/// | `PATCH caches/<id>` + `Content-Range: bytes a-b/*` | upload one chunk |
/// | `POST caches/<id>` `{size}` | commit |
/// | `GET`/`HEAD artifacts/<id>` (+ `Range`) | download |
/// | `POST clean` | accepted, does nothing |
///
/// Paths sit under `/<token>/_apis/artifactcache/` (the form `ACTIONS_CACHE_URL` carries) or under
/// `/_apis/artifactcache/` with `Authorization: Bearer <token>`.
struct CacheResponder: HTTPResponder {
    typealias Context = CacheRequestContext

    let store: CacheStore
    let signer: CacheTokenSigner
    let addresses: CacheAddress
    let threadPool: NIOThreadPool
    let logger: Logger

    /// Bytes gathered from the request body before one positioned write.
    static let writeBatchBytes = 256 << 10
    /// Bytes read from an entry per response body write.
    static let readChunkBytes = 1 << 20
    /// The largest JSON request body accepted.
    static let maximumJSONBytes = 64 << 10

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            return try await route(request, context: context)
        } catch let failure as CacheFailure {
            if failure.status.code >= 500 { logger.error("cache: \(request.method) \(Self.redacted(request.uri.path)): \(failure.message)") }
            return CacheResponse.failure(failure, channel: context.channel)
        } catch {
            logger.error("cache: \(request.method) \(Self.redacted(request.uri.path)): \(error)")
            return CacheResponse.failure(.internalError("internal error"), channel: context.channel)
        }
    }

    /// `path` with a leading token segment replaced, for logs.
    static func redacted(_ path: String) -> String {
        let segments = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = segments.first, first != "_apis" else { return path }
        return "/<token>" + (segments.count > 1 ? "/" + segments[1] : "")
    }

    private func route(_ request: Request, context: Context) async throws -> Response {
        var segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var pathToken: Substring?
        if segments.first != "_apis" {
            pathToken = segments.popFirst()
        }
        guard segments.popFirst() == "_apis", segments.popFirst() == "artifactcache" else {
            throw CacheFailure.notFound("not found")
        }
        let token = try authenticate(pathToken: pathToken, authorization: request.headers[.authorization])
        let resource = Array(segments)
        let channel = context.channel

        switch (resource.first, resource.count) {
        case ("cache", 1):
            try allow(request, [.get])
            return try await lookup(request, scope: token.scope, token: token.text, channel: channel)
        case ("caches", 1):
            try allow(request, [.post])
            return try await reserve(request, scope: token.scope, channel: channel)
        case ("caches", 2):
            let id = try Self.identifier(resource[1])
            try allow(request, [.patch, .post])
            if request.method == .patch {
                return try await upload(request, id: id, scope: token.scope, channel: channel)
            }
            return try await commit(request, id: id, scope: token.scope, channel: channel)
        case ("artifacts", 2):
            let id = try Self.identifier(resource[1])
            try allow(request, [.get, .head])
            return try await download(request, id: id, scope: token.scope, channel: channel)
        case ("clean", 1):
            try allow(request, [.post])
            return CacheResponse.json(.ok, [String: String](), channel: channel)
        default:
            throw CacheFailure.notFound("not found")
        }
    }

    /// The token from the path (preferred: the job's `Authorization` header then carries the
    /// forge's runtime token) or from `Authorization: Bearer`; 401 when absent, 403 when invalid.
    private func authenticate(pathToken: Substring?, authorization: String?) throws -> (text: String, scope: CacheScope) {
        var candidate = pathToken
        if candidate == nil, let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { candidate = parts[1] }
        }
        guard let candidate, !candidate.isEmpty else {
            throw CacheFailure(.unauthorized, "a cache token is required")
        }
        guard let scope = signer.validate(candidate) else {
            throw CacheFailure(.forbidden, "invalid or expired cache token")
        }
        return (String(candidate), scope)
    }

    private func allow(_ request: Request, _ methods: [HTTPRequest.Method]) throws {
        guard methods.contains(request.method) else {
            throw CacheFailure(.methodNotAllowed, "method \(request.method) not allowed here")
        }
    }

    private static func identifier(_ text: Substring) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw CacheFailure.badRequest("invalid cache id \"\(text)\"") }
        return id
    }

    // MARK: Lookup, reserve, commit

    private func lookup(_ request: Request, scope: CacheScope, token: String, channel: any Channel) async throws -> Response {
        let query = Self.queryParameters(request.uri.query)
        let keys = (query["keys"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !keys.isEmpty else { throw CacheFailure.badRequest("the keys parameter is required") }
        let version = query["version"] ?? ""
        guard let entry = await store.lookup(keys: keys, version: version, scope: scope) else {
            var headers = HTTPFields()
            headers[.connection] = "close"
            headers[.contentLength] = "0"
            return CacheResponse.headersOnly(.noContent, headers: headers, channel: channel)
        }
        let hit = LookupResult(
            result: "hit", cacheKey: entry.key, scope: entry.ref ?? "", cacheVersion: entry.version,
            creationTime: entry.creationTime,
            archiveLocation: addresses.base(forToken: token) + "_apis/artifactcache/artifacts/\(entry.id)")
        return CacheResponse.json(.ok, hit, channel: channel)
    }

    private func reserve(_ request: Request, scope: CacheScope, channel: any Channel) async throws -> Response {
        let body: ReserveRequest = try await Self.decode(request)
        let id = try await store.reserve(key: body.key, version: body.version ?? "", size: body.cacheSize, scope: scope)
        return CacheResponse.json(.ok, ["cacheId": id], channel: channel)
    }

    private func commit(_ request: Request, id: Int64, scope: CacheScope, channel: any Channel) async throws -> Response {
        let body: CommitRequest = try await Self.decode(request)
        let file = try await store.beginCommit(id: id, size: body.size, scope: scope)
        var flushError: (any Error)?
        if store.configuration.synchronousCommit {
            do {
                try await threadPool.runIfActive { try file.synchronize() }
            } catch {
                flushError = error
            }
        }
        _ = try await store.finishCommit(id: id, size: body.size, flushError: flushError)
        return CacheResponse.json(.ok, [String: String](), channel: channel)
    }

    private static func decode<Body: Decodable>(_ request: Request) async throws -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumJSONBytes)
        } catch {
            throw CacheFailure(.contentTooLarge, "the request body is too large")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            throw CacheFailure.badRequest("malformed request body: \(error)")
        }
    }

    /// Decodes `a=b&c=d` (percent escapes; `+` stays a plus, as the toolkit encodes with
    /// `encodeURIComponent`).
    static func queryParameters(_ query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    private struct ReserveRequest: Decodable {
        let key: String
        let version: String?
        let cacheSize: Int64?
    }

    private struct CommitRequest: Decodable {
        let size: Int64
    }

    private struct LookupResult: Encodable {
        let result: String
        let cacheKey: String
        let scope: String
        let cacheVersion: String
        let creationTime: String
        let archiveLocation: String
    }
}
