import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// Routes the requests of both toolkit protocols:
///
/// | path | protocol |
/// |---|---|
/// | `_apis/pipelines/workflows/<run>/artifacts` | v3: `POST` create, `PATCH` finalize, `GET` list |
/// | `_apis/resources/Containers/<run>` | v3: `PUT ?itemPath=` upload a chunk, `GET ?itemPath=` list files |
/// | `_apis/resources/Containers/<run>/content` | v3: `GET ?itemPath=` download a file |
/// | `twirp/github.actions.results.api.v1.ArtifactService/<method>` | v4: Twirp JSON |
/// | `_apis/artifacts/v4/UploadArtifact/<run>/<id>` | v4: signed blob upload (`PUT`, `comp=block`/`appendBlock`/`blocklist`) |
/// | `_apis/artifacts/v4/DownloadArtifact/<run>/<id>` | v4: signed blob download |
///
/// Everything but the signed blob URLs needs `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>`:
/// 401 without a valid token, 403 for another run's.
struct ArtifactResponder: HTTPResponder {
    typealias Context = ArtifactRequestContext

    let store: ArtifactStore
    let tokens: RuntimeTokenSigner
    let urlSigner: BlobURLSigner
    let address: ArtifactAddress
    let threadPool: NIOThreadPool
    let logger: Logger

    /// The largest JSON (or block list) body accepted.
    static let maximumSmallBody = 4 << 20
    static let twirpService = "github.actions.results.api.v1.ArtifactService"

    func respond(to request: Request, context: Context) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let twirp = segments.first == "twirp"
        do {
            return try await route(request, segments: segments, context: context)
        } catch let failure as ArtifactFailure {
            if failure.status.code >= 500 { logger.error("artifacts: \(request.method) \(request.uri.path): \(failure.message)") }
            return twirp ? ArtifactResponse.twirpFailure(failure) : ArtifactResponse.failure(failure)
        } catch {
            logger.error("artifacts: \(request.method) \(request.uri.path): \(error)")
            let failure = ArtifactFailure.internalError("internal error")
            return twirp ? ArtifactResponse.twirpFailure(failure) : ArtifactResponse.failure(failure)
        }
    }

    private func route(_ request: Request, segments: [String], context: Context) async throws -> Response {
        switch segments.count {
        case 5 where segments[0] == "_apis" && segments[1] == "pipelines" && segments[2] == "workflows" && segments[4] == "artifacts":
            return try await artifacts(request, runID: try Self.runID(segments[3]))
        case 4 where segments[0] == "_apis" && segments[1] == "resources" && segments[2] == "Containers":
            return try await container(request, runID: try Self.runID(segments[3]))
        case 5 where segments[0] == "_apis" && segments[1] == "resources" && segments[2] == "Containers" && segments[4] == "content":
            return try await content(request, runID: try Self.runID(segments[3]), context: context)
        case 3 where segments[0] == "twirp" && segments[1] == Self.twirpService:
            return try await twirp(request, method: segments[2])
        case 6 where segments[0] == "_apis" && segments[1] == "artifacts" && segments[2] == "v4":
            guard let purpose = BlobURLSigner.Purpose(rawValue: segments[3]) else { break }
            let runID = try Self.runID(segments[4])
            guard let id = Int64(segments[5]), id > 0 else { throw ArtifactFailure.badRequest("invalid artifact id \"\(segments[5])\"") }
            return try await blob(request, purpose: purpose, runID: runID, artifactID: id, context: context)
        default:
            break
        }
        throw ArtifactFailure.notFound("not found")
    }

    // MARK: Shared

    /// The grant of the request's bearer token; 401 without a valid one, 403 when `runID` is not its run.
    func authorize(_ request: Request, runID: String?) throws(ArtifactFailure) -> RuntimeTokenSigner.Grant {
        guard let header = request.headers[.authorization] else {
            throw .unauthorized("Bad authorization header")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("Bad authorization header")
        }
        guard let grant = tokens.validate(parts[1]) else {
            throw .unauthorized("invalid or expired ACTIONS_RUNTIME_TOKEN")
        }
        if let runID, grant.runID != runID {
            throw .forbidden("the ACTIONS_RUNTIME_TOKEN is not valid for run \(runID)")
        }
        return grant
    }

    static func allow(_ request: Request, _ methods: [HTTPRequest.Method]) throws(ArtifactFailure) {
        guard methods.contains(request.method) else {
            throw ArtifactFailure(.methodNotAllowed, "method \(request.method) not allowed here")
        }
    }

    static func runID(_ text: String) throws(ArtifactFailure) -> String {
        guard ArtifactLayout.validRunID(text) else { throw .badRequest("invalid run id \"\(text)\"") }
        return text
    }

    /// A small body (JSON, block lists) as bytes; 413 past ``maximumSmallBody``.
    static func smallBody(_ request: Request) async throws -> Data {
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: maximumSmallBody)
            return Data(buffer.readableBytesView)
        } catch {
            throw ArtifactFailure(.contentTooLarge, "the request body is too large")
        }
    }

    /// A JSON object body; 400 when it is not one.
    static func jsonObject(_ request: Request) async throws -> [String: Any] {
        let data = try await smallBody(request)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ArtifactFailure.badRequest("the request body is not a JSON object")
        }
        return object
    }
}

/// A query string, decoded per parameter: v3 clients build theirs with `URLSearchParams` (`+`
/// is a space), while the Azure SDK escapes with `encodeURIComponent` (a `+` is a plus).
struct QueryParameters {
    private var raw: [String: String] = [:]

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            if raw[name] == nil { raw[name] = parts.count > 1 ? String(parts[1]) : "" }
        }
    }

    /// Form decoding: `+` is a space.
    func form(_ name: String) -> String? {
        raw[name].map { value in
            let spaced = value.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
    }

    /// Percent decoding only: `+` stays.
    func percent(_ name: String) -> String? {
        raw[name].map { $0.removingPercentEncoding ?? $0 }
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `value` encoded for a query (form style, so both decodings agree on it).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
