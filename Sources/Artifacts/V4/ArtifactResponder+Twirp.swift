import Foundation
import Hummingbird

/// The v4 protocol's Twirp service (`@actions/artifact` 2.x: upload-artifact@v4 and later):
/// JSON `POST`s to `twirp/github.actions.results.api.v1.ArtifactService/<method>`. Requests
/// carry protobuf JSON (field names in either snake or camel case, int64 as string or number);
/// responses use camel case with int64 as strings, as protojson writes them.
extension ArtifactResponder {
    func twirp(_ request: Request, method: String) async throws -> Response {
        guard request.method == .post else {
            throw ArtifactFailure(.methodNotAllowed, "Twirp methods are called with POST")
        }
        let grant = try authorize(request, runID: nil)
        let body = TwirpBody(try await Self.jsonObject(request))
        guard let runID = body.string("workflow_run_backend_id", "workflowRunBackendId") else {
            throw ArtifactFailure.badRequest("workflow_run_backend_id is required")
        }
        guard runID == grant.runID else {
            throw ArtifactFailure.forbidden("the ACTIONS_RUNTIME_TOKEN is not valid for run \(runID)")
        }
        let jobID = body.string("workflow_job_run_backend_id", "workflowJobRunBackendId") ?? grant.jobID

        switch method {
        case "CreateArtifact":
            let record = try await store.createV4(runID: runID, jobID: jobID, name: try body.name())
            let url = urlSigner.url(base: address.url, purpose: .upload, runID: runID, artifactID: record.id)
            return ArtifactResponse.json(.ok, CreateArtifactResponse(ok: true, signedUploadUrl: url))
        case "FinalizeArtifact":
            let size = body.int64("size", "size")
            let digest = body.string("hash", "hash")
            let record = try await store.finalizeV4(runID: runID, name: try body.name(), size: size, digest: digest)
            return ArtifactResponse.json(.ok, ArtifactIDResponse(ok: true, artifactId: String(record.id)))
        case "ListArtifacts":
            let name = body.string("name_filter", "nameFilter")
            let id = body.int64("id_filter", "idFilter")
            let records = await store.listV4(runID: runID, name: name, id: id)
            return ArtifactResponse.json(.ok, ListArtifactsResponse(artifacts: records.map(MonolithArtifact.init)))
        case "GetSignedArtifactURL":
            let record = try await store.finalizedV4(runID: runID, name: try body.name())
            let url = urlSigner.url(base: address.url, purpose: .download, runID: runID, artifactID: record.id)
            return ArtifactResponse.json(.ok, ["signedUrl": url])
        case "DeleteArtifact":
            let id = try await store.deleteV4(runID: runID, name: try body.name())
            return ArtifactResponse.json(.ok, ArtifactIDResponse(ok: true, artifactId: String(id)))
        default:
            throw ArtifactFailure.notFound("no method \(method) in \(Self.twirpService)")
        }
    }

    /// A decoded protobuf-JSON request object.
    private struct TwirpBody {
        let object: [String: Any]

        init(_ object: [String: Any]) {
            self.object = object
        }

        private func value(_ snake: String, _ camel: String) -> Any? {
            let found = object[snake] ?? object[camel]
            return found is NSNull ? nil : found
        }

        /// A string (or `google.protobuf.StringValue`, which protojson writes as a bare string).
        func string(_ snake: String, _ camel: String) -> String? {
            switch value(snake, camel) {
            case let text as String: text
            case let number as NSNumber: number.stringValue
            case let wrapper as [String: Any]: wrapper["value"] as? String
            default: nil
            }
        }

        /// An int64 (protojson writes them as strings; numbers are accepted too).
        func int64(_ snake: String, _ camel: String) -> Int64? {
            switch value(snake, camel) {
            case let text as String: Int64(text)
            case let number as NSNumber: number.int64Value
            case let wrapper as [String: Any]: (wrapper["value"] as? String).flatMap { Int64($0) } ?? (wrapper["value"] as? NSNumber)?.int64Value
            default: nil
            }
        }

        func name() throws(ArtifactFailure) -> String {
            guard let name = string("name", "name"), !name.isEmpty else { throw .badRequest("name is required") }
            return name
        }
    }

    private struct CreateArtifactResponse: Encodable {
        let ok: Bool
        let signedUploadUrl: String
    }

    private struct ArtifactIDResponse: Encodable {
        let ok: Bool
        let artifactId: String
    }

    private struct ListArtifactsResponse: Encodable {
        let artifacts: [MonolithArtifact]
    }

    private struct MonolithArtifact: Encodable {
        let workflowRunBackendId: String
        let workflowJobRunBackendId: String
        let databaseId: String
        let name: String
        let size: String
        let createdAt: String
        let digest: String?

        init(_ record: ArtifactRecord) {
            workflowRunBackendId = record.runID
            workflowJobRunBackendId = record.jobID
            databaseId = String(record.id)
            name = record.name
            size = String(record.size)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            createdAt = formatter.string(from: record.created)
            digest = record.digest
        }
    }
}
