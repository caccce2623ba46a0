import Foundation
import Testing

/// The requests `@actions/artifact` 1.x (upload-artifact@v3, download-artifact@v3) sends, with
/// its URLs, headers and chunking.
struct V3Toolkit {
    let server: ArtifactTestServer
    var token: String?
    var runID: String

    init(_ server: ArtifactTestServer) {
        self.server = server
        token = server.token
        runID = server.runID
    }

    static let chunkSize = 8 << 20

    /// `getArtifactUrl()`.
    var artifactURL: String {
        server.runtimeURL + "_apis/pipelines/workflows/\(runID)/artifacts?api-version=6.0-preview"
    }

    private var jsonHeaders: [String: String] {
        ["Accept": "application/json;api-version=6.0-preview", "Content-Type": "application/json"]
    }

    func create(_ name: String) async throws -> HTTPResult {
        let body = try JSONSerialization.data(withJSONObject: ["Type": "actions_storage", "Name": name], options: [.prettyPrinted])
        return try await server.send("POST", artifactURL, body: body, headers: jsonHeaders, token: token)
    }

    /// Creates `name` and returns its `fileContainerResourceUrl`.
    func container(_ name: String) async throws -> String {
        let created = try await create(name)
        #expect(created.status == 200, "create \(name): \(created.text)")
        return try #require(created.object["fileContainerResourceUrl"] as? String)
    }

    /// One chunk `PUT` as `uploadChunk` sends it.
    func putChunk(_ containerURL: String, itemPath: String, _ bytes: Data, start: Int, uploadSize: Int, originalSize: Int,
                  gzip: Bool, extraHeaders: [String: String] = [:]) async throws -> HTTPResult {
        var headers = [
            "Accept": "application/json;api-version=6.0-preview",
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes \(start)-\(start + bytes.count - 1)/\(uploadSize)",
            "x-tfs-filelength": "\(originalSize)",
        ]
        if gzip { headers["Content-Encoding"] = "gzip" }
        headers.merge(extraHeaders) { $1 }
        return try await server.send("PUT", containerURL + "?itemPath=" + TestData.searchParam(itemPath), body: bytes,
                                     headers: headers, token: token)
    }

    /// `uploadFileAsync`: the file (gzip-compressed when `gzip`) in 8 MiB chunks, one at a time.
    func upload(_ containerURL: String, name: String, path: String, _ data: Data, gzip: Bool = false) async throws {
        let payload = gzip ? TestData.gzip(data) : data
        var offset = 0
        repeat {
            let end = min(offset + Self.chunkSize, payload.count)
            let result = try await putChunk(containerURL, itemPath: name + "/" + path, payload.subdata(in: offset..<end), start: offset,
                                            uploadSize: payload.count, originalSize: data.count, gzip: gzip)
            #expect(result.status == 200, "upload \(path) at \(offset): \(result.text)")
            offset = end
        } while offset < payload.count
    }

    /// `patchArtifactSize`.
    func finalize(_ name: String, size: Int) async throws -> HTTPResult {
        let body = try JSONSerialization.data(withJSONObject: ["Size": size], options: [.prettyPrinted])
        return try await server.send("PATCH", artifactURL + "&artifactName=" + TestData.searchParam(name), body: body,
                                     headers: jsonHeaders, token: token)
    }

    /// `listArtifacts`.
    func list() async throws -> HTTPResult {
        try await server.send("GET", artifactURL, headers: jsonHeaders, token: token)
    }

    /// `getContainerItems`.
    func items(_ containerURL: String, name: String) async throws -> HTTPResult {
        try await server.send("GET", containerURL + "?itemPath=" + TestData.searchParam(name), headers: jsonHeaders, token: token)
    }

    /// A file download as `downloadIndividualFile` asks for it.
    func download(_ location: String) async throws -> HTTPResult {
        try await server.send("GET", location, headers: ["Accept": "application/octet-stream;api-version=6.0-preview",
                                                         "Accept-Encoding": "gzip"], token: token)
    }
}
