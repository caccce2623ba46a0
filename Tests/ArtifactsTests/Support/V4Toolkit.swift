import Foundation
import Testing

/// The requests `@actions/artifact` 2.x (upload-artifact@v4+) sends: Twirp JSON calls with the
/// backend ids from the runtime token's `scp` claim, and Azure SDK block uploads to the signed URL.
struct V4Toolkit {
    let server: ArtifactTestServer
    var token: String?
    let runBackendID: String
    let jobBackendID: String

    init(_ server: ArtifactTestServer) throws {
        self.server = server
        token = server.token
        (runBackendID, jobBackendID) = try Self.backendIDs(fromToken: server.token)
    }

    /// `getBackendIdsFromToken`: decodes the JWT payload (no signature check) and splits the
    /// `Actions.Results:<run>:<job>` scope.
    static func backendIDs(fromToken token: String) throws -> (String, String) {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let data = try #require(Data(base64Encoded: payload))
        let claims = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let scope = try #require((claims["scp"] as? String)?.split(separator: " ").first { $0.hasPrefix("Actions.Results:") })
        let fields = scope.split(separator: ":")
        try #require(fields.count == 3)
        return (String(fields[1]), String(fields[2]))
    }

    /// `new URL('/twirp/<service>/<method>', ACTIONS_RESULTS_URL)`.
    func call(_ method: String, _ fields: [String: Any]) async throws -> HTTPResult {
        let base = try #require(URL(string: server.environment["ACTIONS_RESULTS_URL"]!))
        let url = try #require(URL(string: "/twirp/github.actions.results.api.v1.ArtifactService/\(method)", relativeTo: base))
        var body: [String: Any] = ["workflow_run_backend_id": runBackendID, "workflow_job_run_backend_id": jobBackendID]
        body.merge(fields) { $1 }
        return try await server.send("POST", url.absoluteString, body: try JSONSerialization.data(withJSONObject: body),
                                     headers: ["Content-Type": "application/json"], token: token)
    }

    /// CreateArtifact; returns the signed upload URL.
    func create(_ name: String) async throws -> String {
        let created = try await call("CreateArtifact", ["name": name, "version": 4])
        #expect(created.status == 200, "CreateArtifact: \(created.text)")
        #expect(created.object["ok"] as? Bool == true)
        return try #require(created.object["signedUploadUrl"] as? String)
    }

    /// The Azure SDK's Put Block.
    func stageBlock(_ url: String, id: String, _ bytes: Data) async throws -> HTTPResult {
        let encoded = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
        return try await server.send("PUT", url + "&comp=block&blockid=" + encoded, body: bytes,
                                     headers: ["x-ms-version": "2024-05-04", "Content-Type": "application/octet-stream"], token: nil)
    }

    /// The Azure SDK's Put Block List.
    func commitBlocks(_ url: String, ids: [String]) async throws -> HTTPResult {
        let xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList>"#
            + ids.map { "<Latest>\($0)</Latest>" }.joined() + "</BlockList>"
        return try await server.send("PUT", url + "&comp=blocklist", body: Data(xml.utf8),
                                     headers: ["x-ms-version": "2024-05-04", "Content-Type": "application/xml",
                                               "x-ms-blob-content-type": "application/zip"], token: nil)
    }

    /// `uploadZipToBlobStorage`: `data` in blocks of `blockSize`, `concurrency` at a time, then the
    /// block list in order. Block ids are base64 of fixed-length strings, as the SDK makes them.
    func uploadBlocks(_ url: String, _ data: Data, blockSize: Int) async throws {
        var ids: [String] = []
        var ranges: [Range<Int>] = []
        var offset = 0
        while offset < data.count {
            ranges.append(offset..<min(offset + blockSize, data.count))
            ids.append(Data(String(format: "hearth-block-%06d", ranges.count - 1).utf8).base64EncodedString())
            offset += blockSize
        }
        try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for (index, range) in ranges.enumerated().reversed() {
                let id = ids[index]
                group.addTask { try await stageBlock(url, id: id, data.subdata(in: range)) }
            }
            for try await result in group { #expect(result.status == 201, "stage block: \(result.text)") }
        }
        let committed = try await commitBlocks(url, ids: ids)
        #expect(committed.status == 201, "commit block list: \(committed.text)")
    }

    func finalize(_ name: String, size: Int, hash: String? = nil) async throws -> HTTPResult {
        var fields: [String: Any] = ["name": name, "size": String(size)]
        if let hash { fields["hash"] = hash }
        return try await call("FinalizeArtifact", fields)
    }

    func list(name: String? = nil, id: String? = nil) async throws -> [[String: Any]] {
        var fields: [String: Any] = [:]
        if let name { fields["name_filter"] = name }
        if let id { fields["id_filter"] = id }
        let listed = try await call("ListArtifacts", fields)
        #expect(listed.status == 200, "ListArtifacts: \(listed.text)")
        return listed.object["artifacts"] as? [[String: Any]] ?? []
    }

    func signedURL(_ name: String) async throws -> HTTPResult {
        try await call("GetSignedArtifactURL", ["name": name])
    }
}
