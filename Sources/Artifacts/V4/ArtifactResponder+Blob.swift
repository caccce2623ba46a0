import Cache
import Foundation
import Hummingbird
import NIOCore

/// The v4 protocol's blob URLs, which the toolkit drives with the Azure Storage SDK: signed by
/// ``BlobURLSigner`` instead of a bearer token (401 when forged or expired).
///
/// | request | Azure operation |
/// |---|---|
/// | `PUT ?comp=block&blockid=<id>` | Put Block: stage one block |
/// | `PUT ?comp=blocklist` + `<BlockList><Latest>id</Latest>…</BlockList>` | Put Block List: the blob is the blocks in that order |
/// | `PUT ?comp=appendBlock` | Append Block: add to the end |
/// | `PUT` | Put Blob: the whole blob |
/// | `GET` | Get Blob (the artifact's zip) |
///
/// Uploads answer `201 Created` with no body, as Azure does.
extension ArtifactResponder {
    /// The longest block id accepted (Azure allows 64 bytes before base64).
    static let maximumBlockIDLength = 1024

    func blob(_ request: Request, purpose: BlobURLSigner.Purpose, runID: String, artifactID: Int64,
              context: Context) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        do {
            try urlSigner.verify(purpose: purpose, runID: runID, artifactID: artifactID,
                                 expires: query.percent("expires"), signature: query.percent("sig"))
        } catch .expired {
            throw ArtifactFailure.unauthorized("the signed URL has expired")
        } catch {
            throw ArtifactFailure.unauthorized("invalid signature")
        }
        switch purpose {
        case .download:
            try Self.allow(request, [.get, .head])
            let record = try await store.finalizedV4(runID: runID, id: artifactID)
            let path = store.layout.zipPath(runID: runID, name: record.name)
            let file: PositionedFile
            do {
                file = try await threadPool.runIfActive { try PositionedFile.open(path, writable: false) }
            } catch {
                throw ArtifactFailure.notFound("the data of artifact \(artifactID) is missing")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/zip"
            headers[.contentDisposition] = "attachment; filename=\"\(record.name).zip\""
            return FileTransfer.response(file, size: record.size, headers: headers, head: request.method == .head,
                                         channel: context.channel, threadPool: threadPool)
        case .upload:
            try Self.allow(request, [.put])
            let limit = try request.headers[.contentLength].map { text throws(ArtifactFailure) -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw .badRequest("invalid Content-Length \"\(text)\"") }
                return value
            }
            switch query.percent("comp") {
            case "block"?:
                guard let blockID = query.percent("blockid"), !blockID.isEmpty, blockID.count <= Self.maximumBlockIDLength else {
                    throw ArtifactFailure.badRequest("a blockid of 1–\(Self.maximumBlockIDLength) characters is required")
                }
                let (path, file) = try await store.beginBlock(runID: runID, id: artifactID, blockID: blockID)
                do {
                    let written = try await writeWhole(request.body, to: file, at: 0, length: limit)
                    await store.endBlock(id: artifactID, blockID: blockID, path: path, size: written, completed: true)
                } catch {
                    await store.endBlock(id: artifactID, blockID: blockID, path: path, size: 0, completed: false)
                    throw error
                }
                return ArtifactResponse.empty(.created)
            case "appendBlock"?, nil:
                let (file, offset) = try await store.beginAppend(runID: runID, id: artifactID, restart: query.percent("comp") == nil)
                do {
                    let written = try await writeWhole(request.body, to: file, at: offset, length: limit)
                    await store.endAppend(id: artifactID, written: written, completed: true)
                } catch {
                    await store.endAppend(id: artifactID, written: 0, completed: false)
                    throw error
                }
                return ArtifactResponse.empty(.created)
            case "blocklist"?:
                let blockIDs = try Self.blockIDs(in: try await Self.smallBody(request))
                let (sources, target) = try await store.beginAssemble(runID: runID, id: artifactID, blockIDs: blockIDs)
                do {
                    let size = try await FileTransfer.concatenate(sources, into: target, threadPool: threadPool)
                    await store.endAssemble(id: artifactID, size: size)
                } catch {
                    await store.endAssemble(id: artifactID, size: nil)
                    throw error
                }
                return ArtifactResponse.empty(.created)
            case let other?:
                throw ArtifactFailure.badRequest("unsupported comp=\(other)")
            }
        }
    }

    /// Writes a body that must have exactly `length` bytes when the length is known.
    private func writeWhole(_ body: RequestBody, to file: PositionedFile, at offset: Int64, length: Int64?) async throws -> Int64 {
        let received = try await FileTransfer.write(body, to: file, at: offset, limit: length, threadPool: threadPool)
        if let length, received != length {
            throw ArtifactFailure.badRequest("truncated body: received \(received) of \(length) bytes")
        }
        return received
    }

    /// The block ids of a Put Block List body, in order (`Latest`, `Committed` and `Uncommitted`
    /// entries alike).
    static func blockIDs(in body: Data) throws(ArtifactFailure) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<BlockList>") || text.contains("<BlockList ") else {
            throw .badRequest("InvalidXmlDocument: expected a <BlockList> element")
        }
        var ids: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = rest[..<close]
            rest = rest[rest.index(after: close)...]
            guard ["Latest", "Committed", "Uncommitted"].contains(tag) else { continue }
            guard let end = rest.range(of: "</\(tag)>") else { throw .badRequest("InvalidXmlDocument: unclosed <\(tag)>") }
            ids.append(unescape(String(rest[..<end.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[end.upperBound...]
        }
        return ids
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
