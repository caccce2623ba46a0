import Cache
import Foundation
import Logging

/// The artifacts of every run and the uploads in progress. An actor, so concurrent requests see
/// consistent state; bulk data is read and written outside it through the ``PositionedFile``s it
/// hands out, and nothing becomes visible under a run's directory before it is complete.
///
/// The index lives in memory: a server serves the runs of one `hearth exec`.
actor ArtifactStore {
    let layout: ArtifactLayout
    /// This server's private staging directory.
    let staging: String
    private let logger: Logger
    private var artifacts: [ArtifactKey: ArtifactRecord] = [:]
    private var nextID: Int64 = 1
    private var files: [FileKey: PendingFile] = [:]
    private var blobs: [Int64: BlobUpload] = [:]
    private var nextTicket = 0

    /// One v3 file being uploaded in chunks.
    struct FileKey: Hashable, Sendable {
        let artifact: ArtifactKey
        let path: String
    }

    private struct PendingFile {
        let segments: [String]
        let stagingPath: String
        let file: PositionedFile
        let total: Int64
        let gzip: Bool
        var received = ByteRangeSet()
        var inFlight: [Int: Range<Int64>] = [:]
    }

    /// The blob of one v4 artifact being uploaded: staged blocks, or an append blob.
    private struct BlobUpload {
        let key: ArtifactKey
        let directory: String
        var blocks: [String: Int64] = [:]
        var writingBlocks = 0
        var appendFile: PositionedFile?
        var appendSize: Int64 = 0
        var appending = false
        var assembling = false
        var committed: (path: String, size: Int64)?

        var appendPath: String { directory + "/append.part" }
        var blobPath: String { directory + "/blob.part" }
        func blockPath(_ blockID: String) -> String { directory + "/block-" + Self.hex(blockID) }
        static func hex(_ text: String) -> String {
            text.utf8.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// Creates the directory and this server's staging directory.
    init(layout: ArtifactLayout, logger: Logger) throws {
        self.layout = layout
        self.logger = logger
        staging = layout.stagingParent + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    }

    /// Discards uploads in progress and the staging directory.
    func close() {
        files.removeAll()
        blobs.removeAll()
        try? FileManager.default.removeItem(atPath: staging)
        _ = layout.stagingParent.withCString { rmdir($0) }
    }

    private func newTicket() -> Int {
        nextTicket += 1
        return nextTicket
    }

    private func newRecord(runID: String, jobID: String, name: String, kind: ArtifactRecord.Kind) -> ArtifactRecord {
        defer { nextID += 1 }
        return ArtifactRecord(id: nextID, runID: runID, jobID: jobID, name: name, kind: kind, created: Date())
    }

    // MARK: v3

    /// `POST …/artifacts`: creates the artifact, or reopens a v3 one of the same name (v3 merges
    /// uploads to one name, as matrix jobs do). 409 when a v4 artifact has the name.
    func createV3(runID: String, name: String) throws(ArtifactFailure) -> ArtifactRecord {
        try ArtifactLayout.checkName(name)
        let key = ArtifactKey(runID: runID, name: name)
        if let existing = artifacts[key] {
            guard existing.kind == .v3 else { throw .conflict("artifact \"\(name)\" of run \(runID) was uploaded with the v4 protocol") }
            return existing
        }
        let record = newRecord(runID: runID, jobID: "", name: name, kind: .v3)
        artifacts[key] = record
        return record
    }

    /// Admits a chunk of one file of a created v3 artifact; returns the ticket for ``endV3Chunk``
    /// and the file to write `range` into. A different total or encoding than earlier chunks starts
    /// the file over.
    func beginV3Chunk(runID: String, name: String, segments: [String], range: Range<Int64>, total: Int64,
                      gzip: Bool) throws(ArtifactFailure) -> (key: FileKey, ticket: Int, file: PositionedFile) {
        let artifact = ArtifactKey(runID: runID, name: name)
        guard let record = artifacts[artifact], record.kind == .v3 else {
            throw .notFound("no artifact \"\(name)\" in run \(runID): create it first")
        }
        guard range.upperBound <= total else {
            throw .badRequest("bytes \(range.lowerBound)-\(range.upperBound - 1) lie beyond the file's \(total) bytes")
        }
        let key = FileKey(artifact: artifact, path: segments.joined(separator: "/"))
        if let pending = files[key], pending.total != total || pending.gzip != gzip {
            guard pending.inFlight.isEmpty else { throw .conflict("\(key.path) is being uploaded with another size") }
            discard(key)
        }
        var pending: PendingFile
        if let existing = files[key] {
            pending = existing
        } else {
            let path = staging + "/file-\(newTicket()).part"
            do {
                pending = PendingFile(segments: segments, stagingPath: path,
                                      file: try PositionedFile.open(path, writable: true, create: true, truncate: true),
                                      total: total, gzip: gzip)
            } catch {
                logger.error("artifacts: cannot create \(path): \(error)")
                throw .internalError("cannot create the upload file")
            }
        }
        if pending.inFlight.values.contains(where: { $0.overlaps(range) }) {
            throw .conflict("bytes \(range.lowerBound)-\(range.upperBound - 1) overlap a chunk still uploading")
        }
        if pending.received.overlaps(range) && !pending.received.contains(range) {
            throw .badRequest("bytes \(range.lowerBound)-\(range.upperBound - 1) overlap bytes already received")
        }
        let ticket = newTicket()
        pending.inFlight[ticket] = range
        files[key] = pending
        return (key, ticket, pending.file)
    }

    /// Ends a chunk; once every byte of the file has arrived it is moved into the artifact's
    /// directory with one `rename` (replacing an earlier upload of the same path).
    func endV3Chunk(_ key: FileKey, ticket: Int, completed: Bool) throws(ArtifactFailure) {
        guard var pending = files[key], let range = pending.inFlight.removeValue(forKey: ticket) else { return }
        if completed { pending.received.insert(range) }
        files[key] = pending
        guard pending.inFlight.isEmpty, pending.received.isExactly(size: pending.total) else { return }
        files[key] = nil
        let artifact = key.artifact
        let destination = layout.filePath(runID: artifact.runID, name: artifact.name, segments: pending.segments, gzip: pending.gzip)
        let directory = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            layout.remove(pending.stagingPath)
            throw .conflict("cannot create the directory of \(key.path) (a file of that name exists?)")
        }
        guard rename(pending.stagingPath, destination) == 0 else {
            let code = errno
            layout.remove(pending.stagingPath)
            throw code == EISDIR || code == ENOTEMPTY || code == EEXIST
                ? .conflict("\(key.path) is a directory in this artifact")
                : .internalError("cannot store \(key.path): \(String(cString: strerror(code)))")
        }
        layout.remove(layout.filePath(runID: artifact.runID, name: artifact.name, segments: pending.segments, gzip: !pending.gzip))
    }

    private func discard(_ key: FileKey) {
        if let pending = files.removeValue(forKey: key) { layout.remove(pending.stagingPath) }
    }

    /// `PATCH …/artifacts?artifactName=`: the upload is complete; the artifact is listed from now on.
    func finalizeV3(runID: String, name: String, size: Int64) throws(ArtifactFailure) {
        let key = ArtifactKey(runID: runID, name: name)
        guard var record = artifacts[key], record.kind == .v3 else {
            throw .notFound("An Artifact with the name \(name) was not found")
        }
        record.finalized = true
        record.size = size
        artifacts[key] = record
    }

    /// The finalized v3 artifacts of a run, oldest first.
    func listV3(runID: String) -> [ArtifactRecord] {
        artifacts.values.filter { $0.runID == runID && $0.kind == .v3 && $0.finalized }.sorted { $0.id < $1.id }
    }

    /// A finalized v3 artifact; 404 otherwise.
    func finalizedV3(runID: String, name: String) throws(ArtifactFailure) -> ArtifactRecord {
        guard let record = artifacts[ArtifactKey(runID: runID, name: name)], record.kind == .v3, record.finalized else {
            throw .notFound("no artifact \"\(name)\" in run \(runID)")
        }
        return record
    }

    // MARK: v4

    /// `CreateArtifact`: a new v4 artifact waiting for its blob. 409 when the run already has an
    /// artifact of that name (as GitHub: delete it first to overwrite); an unfinished v4 upload of
    /// the name is discarded.
    func createV4(runID: String, jobID: String, name: String) throws(ArtifactFailure) -> ArtifactRecord {
        try ArtifactLayout.checkName(name)
        let key = ArtifactKey(runID: runID, name: name)
        if let existing = artifacts[key] {
            guard existing.kind == .v4, !existing.finalized else {
                throw .conflict("an artifact named \"\(name)\" already exists in run \(runID)")
            }
            discardBlob(existing.id)
        }
        let record = newRecord(runID: runID, jobID: jobID, name: name, kind: .v4)
        let directory = staging + "/v4-\(record.id)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .internalError("cannot create the upload directory")
        }
        artifacts[key] = record
        blobs[record.id] = BlobUpload(key: key, directory: directory)
        return record
    }

    private func discardBlob(_ id: Int64) {
        if let upload = blobs.removeValue(forKey: id) { try? FileManager.default.removeItem(atPath: upload.directory) }
    }

    private func upload(runID: String, id: Int64) throws(ArtifactFailure) -> BlobUpload {
        if let upload = blobs[id], upload.key.runID == runID { return upload }
        if artifacts.values.contains(where: { $0.id == id && $0.runID == runID }) {
            throw .conflict("artifact \(id) is already finalized")
        }
        throw .notFound("no artifact upload \(id) in run \(runID)")
    }

    /// Admits one staged block (`comp=block&blockid=`): returns the file to write it to.
    func beginBlock(runID: String, id: Int64, blockID: String) throws(ArtifactFailure) -> (path: String, file: PositionedFile) {
        var upload = try upload(runID: runID, id: id)
        guard !upload.assembling else { throw .conflict("the block list is being committed") }
        let path = upload.blockPath(blockID) + ".part\(newTicket())"
        do {
            let file = try PositionedFile.open(path, writable: true, create: true, truncate: true)
            upload.writingBlocks += 1
            blobs[id] = upload
            return (path, file)
        } catch {
            throw .internalError("cannot create a block file")
        }
    }

    /// Ends a block: a complete one replaces any earlier block of the same id.
    func endBlock(id: Int64, blockID: String, path: String, size: Int64, completed: Bool) {
        guard var upload = blobs[id] else {
            layout.remove(path)
            return
        }
        upload.writingBlocks -= 1
        if completed && rename(path, upload.blockPath(blockID)) == 0 {
            upload.blocks[blockID] = size
        } else {
            layout.remove(path)
        }
        blobs[id] = upload
    }

    /// Admits an append (`comp=appendBlock`) or, with `restart`, a whole-blob `PUT`: returns the
    /// file and the offset to write at.
    func beginAppend(runID: String, id: Int64, restart: Bool) throws(ArtifactFailure) -> (file: PositionedFile, offset: Int64) {
        var upload = try upload(runID: runID, id: id)
        guard !upload.appending, !upload.assembling else { throw .conflict("another append to artifact \(id) is in progress") }
        if upload.appendFile == nil {
            do {
                upload.appendFile = try PositionedFile.open(upload.appendPath, writable: true, create: true, truncate: true)
            } catch {
                throw .internalError("cannot create the blob file")
            }
        }
        if restart { upload.appendSize = 0 }
        upload.appending = true
        upload.committed = nil
        blobs[id] = upload
        return (upload.appendFile!, upload.appendSize)
    }

    /// Ends an append; bytes of a failed one are cut off again.
    func endAppend(id: Int64, written: Int64, completed: Bool) {
        guard var upload = blobs[id] else { return }
        upload.appending = false
        if completed { upload.appendSize += written }
        if let file = upload.appendFile { _ = ftruncate(file.descriptor, off_t(upload.appendSize)) }
        blobs[id] = upload
    }

    /// Starts committing a block list (`comp=blocklist`): the blocks to concatenate, in order, into
    /// the returned target. 400 when a block id was never staged, 409 while blocks are uploading.
    func beginAssemble(runID: String, id: Int64, blockIDs: [String]) throws(ArtifactFailure) -> (sources: [String], target: String) {
        var upload = try upload(runID: runID, id: id)
        guard upload.writingBlocks == 0, !upload.appending, !upload.assembling else {
            throw .conflict("blocks of artifact \(id) are still uploading")
        }
        if let missing = blockIDs.first(where: { upload.blocks[$0] == nil }) {
            throw .badRequest("InvalidBlockList: block \"\(missing)\" was not uploaded")
        }
        upload.assembling = true
        blobs[id] = upload
        return (blockIDs.map { upload.blockPath($0) }, upload.blobPath)
    }

    /// Ends a block-list commit: on success the assembled blob replaces any earlier one and the
    /// staged blocks are dropped, as Azure drops uncommitted blocks.
    func endAssemble(id: Int64, size: Int64?) {
        guard var upload = blobs[id] else { return }
        upload.assembling = false
        if let size {
            upload.committed = (upload.blobPath, size)
            for blockID in upload.blocks.keys { layout.remove(upload.blockPath(blockID)) }
            upload.blocks.removeAll()
        }
        blobs[id] = upload
    }

    /// `FinalizeArtifact`: moves the blob to `<run>/<name>/<name>.zip` and lists the artifact.
    /// 404 without a pending upload of that name, 400 when `size` differs from what arrived.
    func finalizeV4(runID: String, name: String, size: Int64?, digest: String?) throws(ArtifactFailure) -> ArtifactRecord {
        let key = ArtifactKey(runID: runID, name: name)
        guard var record = artifacts[key], record.kind == .v4, !record.finalized, let upload = blobs[record.id] else {
            throw .notFound("no artifact upload named \"\(name)\" in run \(runID)")
        }
        guard upload.writingBlocks == 0, !upload.appending, !upload.assembling else {
            throw .conflict("artifact \"\(name)\" is still uploading")
        }
        var source: (path: String, size: Int64)
        if let committed = upload.committed {
            source = committed
        } else if upload.appendFile != nil {
            source = (upload.appendPath, upload.appendSize)
        } else {
            throw .badRequest("nothing was uploaded for artifact \"\(name)\"")
        }
        if let size, size != source.size {
            throw .badRequest("the artifact has \(source.size) bytes, not \(size)")
        }
        let destination = layout.zipPath(runID: runID, name: name)
        do {
            try FileManager.default.createDirectory(atPath: layout.artifactDirectory(runID: runID, name: name),
                                                    withIntermediateDirectories: true)
        } catch {
            throw .internalError("cannot create the artifact directory")
        }
        guard rename(source.path, destination) == 0 else {
            throw .internalError("cannot store artifact \"\(name)\": \(String(cString: strerror(errno)))")
        }
        discardBlob(record.id)
        record.finalized = true
        record.size = source.size
        record.digest = digest
        artifacts[key] = record
        return record
    }

    /// The finalized v4 artifacts of a run, optionally only the one with `name` and/or `id`.
    func listV4(runID: String, name: String?, id: Int64?) -> [ArtifactRecord] {
        artifacts.values.filter {
            $0.runID == runID && $0.kind == .v4 && $0.finalized && (name == nil || $0.name == name) && (id == nil || $0.id == id)
        }.sorted { $0.id < $1.id }
    }

    /// A finalized v4 artifact by name or id; 404 otherwise.
    func finalizedV4(runID: String, name: String? = nil, id: Int64? = nil) throws(ArtifactFailure) -> ArtifactRecord {
        guard let record = listV4(runID: runID, name: name, id: id).first else {
            throw .notFound("no artifact \(name.map { "\"\($0)\"" } ?? id.map(String.init) ?? "") in run \(runID)")
        }
        return record
    }

    /// `DeleteArtifact`: removes a v4 artifact (finalized or not) and its files; returns its id.
    func deleteV4(runID: String, name: String) throws(ArtifactFailure) -> Int64 {
        let key = ArtifactKey(runID: runID, name: name)
        guard let record = artifacts[key], record.kind == .v4 else {
            throw .notFound("no artifact \"\(name)\" in run \(runID)")
        }
        artifacts[key] = nil
        discardBlob(record.id)
        if record.finalized { try? FileManager.default.removeItem(atPath: layout.artifactDirectory(runID: runID, name: name)) }
        return record.id
    }

    /// The v3 files being uploaded (tests).
    var pendingFileCount: Int { files.count }
}

extension ArtifactLayout {
    /// Removes a file, ignoring one that is already gone.
    func remove(_ path: String) {
        _ = path.withCString { unlink($0) }
    }
}
