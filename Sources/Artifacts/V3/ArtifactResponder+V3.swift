import Cache
import Foundation
import Hummingbird
import NIOCore

/// The v3 protocol (`@actions/artifact` 1.x: upload-artifact@v3, download-artifact@v3).
extension ArtifactResponder {
    /// `_apis/pipelines/workflows/<run>/artifacts`: `POST` creates an artifact and returns its
    /// `fileContainerResourceUrl`; `PATCH ?artifactName=` with `{"Size": n}` finalizes it; `GET`
    /// lists the finalized ones (`count`, `value[]` of `name`, `fileContainerResourceUrl`).
    func artifacts(_ request: Request, runID: String) async throws -> Response {
        try Self.allow(request, [.get, .post, .patch])
        _ = try authorize(request, runID: runID)
        let containerURL = address.url + "_apis/resources/Containers/\(runID)"
        switch request.method {
        case .post:
            let body = try await Self.jsonObject(request)
            guard let name = body["Name"] as? String else { throw ArtifactFailure.badRequest("the Name field is required") }
            let record = try await store.createV3(runID: runID, name: name)
            return ArtifactResponse.json(.ok, CreatedContainer(
                containerId: record.id, size: -1, name: name, type: (body["Type"] as? String) ?? "actions_storage",
                fileContainerResourceUrl: containerURL,
                url: address.url + "_apis/pipelines/workflows/\(runID)/artifacts?artifactName=" + QueryParameters.encode(name)))
        case .patch:
            guard let name = QueryParameters(request.uri.query).form("artifactName"), !name.isEmpty else {
                throw ArtifactFailure.badRequest("the artifactName parameter is required")
            }
            let body = try await Self.jsonObject(request)
            guard let size = (body["Size"] as? NSNumber)?.int64Value, size >= 0 else {
                throw ArtifactFailure.badRequest("the Size field must be a non-negative number")
            }
            try await store.finalizeV3(runID: runID, name: name, size: size)
            return ArtifactResponse.json(.ok, ["message": "success"])
        default:
            let listed = await store.listV3(runID: runID)
            return ArtifactResponse.json(.ok, ArtifactList(count: listed.count, value: listed.map {
                ArtifactList.Item(name: $0.name, fileContainerResourceUrl: containerURL, size: $0.size)
            }))
        }
    }

    /// `_apis/resources/Containers/<run>`: `PUT ?itemPath=<name>/<path>` stores one chunk of a
    /// file (`Content-Range`, optionally `Content-Encoding: gzip`); `GET ?itemPath=<name>` lists
    /// the files of a finalized artifact.
    func container(_ request: Request, runID: String) async throws -> Response {
        try Self.allow(request, [.get, .put])
        _ = try authorize(request, runID: runID)
        let query = QueryParameters(request.uri.query)
        guard let itemPath = query.form("itemPath"), !itemPath.isEmpty else {
            throw ArtifactFailure.badRequest("the itemPath parameter is required")
        }
        if request.method == .put {
            return try await uploadChunk(request, runID: runID, itemPath: itemPath)
        }
        let name = String(itemPath.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0])
        try ArtifactLayout.checkName(name)
        _ = try await store.finalizedV3(runID: runID, name: name)
        let directory = store.layout.artifactDirectory(runID: runID, name: name)
        let files = try await threadPool.runIfActive { Self.regularFiles(under: directory) }
        let items = files.map { file -> ContainerItems.Item in
            let gzip = file.path.hasSuffix(ArtifactLayout.gzipSuffix)
            let path = name + "/" + (gzip ? String(file.path.dropLast(ArtifactLayout.gzipSuffix.count)) : file.path)
            return ContainerItems.Item(
                path: path, itemType: "file", fileLength: gzip ? nil : file.size,
                contentLocation: address.url + "_apis/resources/Containers/\(runID)/content?itemPath=" + QueryParameters.encode(path))
        }
        return ArtifactResponse.json(.ok, ContainerItems(count: items.count, value: items))
    }

    private func uploadChunk(_ request: Request, runID: String, itemPath: String) async throws -> Response {
        let (name, segments) = try ArtifactLayout.splitItemPath(itemPath)
        guard let header = request.headers[.contentRange] else {
            throw ArtifactFailure.badRequest("a Content-Range header (bytes <first>-<last>/<size>) is required")
        }
        guard let chunk = ChunkRange.parse(header) else {
            throw ArtifactFailure.badRequest("malformed Content-Range \"\(header)\": expected bytes <first>-<last>/<size>")
        }
        let gzip: Bool
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity"?: gzip = false
        case "gzip"?: gzip = true
        case let other?: throw ArtifactFailure.badRequest("unsupported Content-Encoding \"\(other)\"")
        }
        let length = Int64(chunk.range.count)
        if let declared = request.headers[.contentLength], Int64(declared) != length {
            throw ArtifactFailure.badRequest("Content-Length \(declared) differs from the \(length) bytes Content-Range names")
        }
        let (key, ticket, file) = try await store.beginV3Chunk(runID: runID, name: name, segments: segments, range: chunk.range,
                                                               total: chunk.total, gzip: gzip)
        do {
            let received = try await FileTransfer.write(request.body, to: file, at: chunk.range.lowerBound, limit: length,
                                                        threadPool: threadPool)
            guard received == length else {
                throw ArtifactFailure.badRequest("truncated chunk: received \(received) of \(length) bytes")
            }
        } catch {
            try? await store.endV3Chunk(key, ticket: ticket, completed: false)
            throw error
        }
        try await store.endV3Chunk(key, ticket: ticket, completed: true)
        return ArtifactResponse.json(.ok, ["message": "success"])
    }

    /// `_apis/resources/Containers/<run>/content?itemPath=<name>/<path>`: one file of a finalized
    /// artifact, with `Content-Encoding: gzip` when it was uploaded compressed.
    func content(_ request: Request, runID: String, context: Context) async throws -> Response {
        try Self.allow(request, [.get, .head])
        _ = try authorize(request, runID: runID)
        guard let itemPath = QueryParameters(request.uri.query).form("itemPath") else {
            throw ArtifactFailure.badRequest("the itemPath parameter is required")
        }
        let (name, segments) = try ArtifactLayout.splitItemPath(itemPath)
        _ = try await store.finalizedV3(runID: runID, name: name)
        let layout = store.layout
        let opened = try await threadPool.runIfActive { () -> (file: PositionedFile, size: Int64, gzip: Bool)? in
            for gzip in [false, true] {
                let path = layout.filePath(runID: runID, name: name, segments: segments, gzip: gzip)
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let file = try PositionedFile.open(path, writable: false)
                return (file, try file.size(), gzip)
            }
            return nil
        }
        guard let opened else { throw ArtifactFailure.notFound("no file \(itemPath) in run \(runID)") }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        if opened.gzip { headers[.contentEncoding] = "gzip" }
        return FileTransfer.response(opened.file, size: opened.size, headers: headers, head: request.method == .head,
                                     channel: context.channel, threadPool: threadPool)
    }

    /// The regular files under `directory`, as relative paths with their sizes, sorted.
    static func regularFiles(under directory: String) -> [(path: String, size: Int64)] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [(path: String, size: Int64)] = []
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            guard lstat(directory + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            files.append((relative, Int64(info.st_size)))
        }
        return files.sorted { $0.path < $1.path }
    }

    private struct CreatedContainer: Encodable {
        let containerId: Int64
        let size: Int64
        let name: String
        let type: String
        let fileContainerResourceUrl: String
        let url: String
    }

    private struct ArtifactList: Encodable {
        struct Item: Encodable {
            let name: String
            let fileContainerResourceUrl: String
            let size: Int64
        }
        let count: Int
        let value: [Item]
    }

    private struct ContainerItems: Encodable {
        struct Item: Encodable {
            let path: String
            let itemType: String
            let fileLength: Int64?
            let contentLocation: String
        }
        let count: Int
        let value: [Item]
    }
}
