import Foundation
import Logging

/// The cache's state: committed entries (persisted in the index), uploads in progress, matching,
/// LRU eviction and crash recovery. An actor, so concurrent requests see consistent state; the
/// bulk data is read and written outside it through ``PositionedFile``s it hands out.
actor CacheStore {
    let configuration: CacheServerConfiguration
    let layout: StorageLayout
    private let logger: Logger
    private var lock: PositionedFile?
    private var entries: [Int64: CacheEntry] = [:]
    private var committedBytes: Int64 = 0
    private var nextSequence: Int64 = 1
    private var uploads: [Int64: UploadReservation] = [:]
    private var nextTicket = 0
    private var indexDirty = false
    private let clock = ContinuousClock()

    /// The longest accepted cache key, as the toolkit enforces.
    static let maximumKeyLength = 512

    /// Opens the storage directory: takes its lock, discards uploads left by an earlier process
    /// (never committed, so never served), loads the index, drops entries whose data is missing
    /// and data no entry names (a crash between the data `rename` and the index write), and
    /// evicts down to the size cap.
    init(configuration: CacheServerConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.layout = StorageLayout(root: configuration.directory)
        self.logger = logger
        lock = try layout.prepare()

        let leftovers = layout.names(in: layout.uploadsDirectory)
        for name in leftovers { layout.remove(layout.uploadsDirectory + "/" + name) }
        if !leftovers.isEmpty { logger.info("cache: discarded \(leftovers.count) unfinished upload(s) from an earlier run") }
        layout.remove(layout.indexTemporaryPath)

        var index = CacheIndex()
        do {
            index = try CacheIndex.load(from: layout.indexPath) ?? CacheIndex()
        } catch {
            let aside = layout.indexPath + ".corrupt"
            logger.error("cache: unreadable index (\(error)); moved to \(aside), starting empty")
            _ = rename(layout.indexPath, aside)
        }
        nextSequence = index.nextSequence
        var changed = false
        for entry in index.entries {
            var info = stat()
            if stat(layout.entryPath(entry.id), &info) == 0, Int64(info.st_size) == entry.size, entries[entry.id] == nil {
                entries[entry.id] = entry
                committedBytes += entry.size
                nextSequence = max(nextSequence, entry.sequence + 1)
            } else {
                changed = true
            }
        }
        for name in layout.names(in: layout.entriesDirectory) where Int64(name).flatMap({ entries[$0] }) == nil {
            layout.remove(layout.entriesDirectory + "/" + name)
            changed = true
        }
        indexDirty = changed
        evictIfNeeded(keeping: nil)
        try saveIndex()
    }

    // MARK: Lookup

    /// The entry to restore for `keys` (the primary key, then restore keys) and `version`: an
    /// exact match of the primary key, else the newest entry whose key starts with the primary
    /// key, else the newest entry starting with each restore key in turn. Entries of the
    /// requester's own isolation ref are searched before shared ones. Case-insensitive.
    func lookup(keys: [String], version: String, scope: CacheScope, now: Date = Date()) -> CacheEntry? {
        let lowered = keys.map { $0.lowercased() }
        guard let primary = lowered.first else { return nil }
        var tiers: [[CacheEntry]] = []
        let visible = entries.values.filter { $0.version == version && scope.canRead($0.scope) }
        if scope.ref != nil { tiers.append(visible.filter { $0.ref == scope.ref }) }
        tiers.append(visible.filter { $0.ref == nil })

        for tier in tiers {
            let candidates = tier.map { (entry: $0, key: $0.key.lowercased()) }
            func newest(_ matches: (String) -> Bool) -> CacheEntry? {
                candidates.filter { matches($0.key) }.map(\.entry).max { $1.isNewer(than: $0) }
            }
            var found = newest { $0 == primary } ?? newest { $0.hasPrefix(primary) }
            for restoreKey in lowered.dropFirst() where found == nil {
                found = newest { $0.hasPrefix(restoreKey) }
            }
            if let found {
                touch(found.id, now: now)
                return entries[found.id]
            }
        }
        return nil
    }

    /// Opens a committed entry for download; 404 when it does not exist or is not visible.
    func openEntry(id: Int64, scope: CacheScope, now: Date = Date()) throws(CacheFailure) -> (CacheEntry, PositionedFile) {
        guard let entry = entries[id], scope.canRead(entry.scope) else {
            throw .notFound("no cache entry \(id)")
        }
        do {
            let file = try PositionedFile.open(layout.entryPath(id), writable: false)
            touch(id, now: now)
            return (entry, file)
        } catch {
            logger.error("cache: entry \(id) lost its data (\(error)); dropping it")
            drop(id)
            throw .notFound("no cache entry \(id)")
        }
    }

    private func touch(_ id: Int64, now: Date) {
        entries[id]?.lastUsed = now.timeIntervalSince1970
        indexDirty = true
    }

    // MARK: Upload

    /// Reserves an id for a new entry. 400 for a bad key or a size over the limit; 409 when the
    /// key and version already exist in this scope or another job is uploading them.
    func reserve(key: String, version: String, size: Int64?, scope: CacheScope) throws(CacheFailure) -> Int64 {
        guard !key.isEmpty, key.count <= Self.maximumKeyLength, !key.contains(",") else {
            throw .badRequest("invalid key \"\(key)\": it must be 1–\(Self.maximumKeyLength) characters without commas")
        }
        let limit = configuration.entrySizeLimit
        if let size {
            guard size >= 0 else { throw .badRequest("invalid cacheSize \(size)") }
            guard size <= limit else {
                throw .badRequest("Cache size of ~\(size >> 20) MB (\(size) B) is over the \(limit) B limit, not saving cache.")
            }
        }
        sweep()
        let lowered = key.lowercased()
        if entries.values.contains(where: { $0.key.lowercased() == lowered && $0.version == version && $0.scope == scope }) {
            throw .conflict("cache entry \"\(key)\" (version \(version)) already exists")
        }
        if uploads.values.contains(where: { $0.key.lowercased() == lowered && $0.version == version && $0.scope == scope }) {
            throw .conflict("Unable to reserve cache with key \(key), another job may be creating this cache.")
        }
        var id = Int64.random(in: 1..<(1 << 53))
        while entries[id] != nil || uploads[id] != nil { id = Int64.random(in: 1..<(1 << 53)) }
        let file: PositionedFile
        do {
            file = try PositionedFile.open(layout.uploadPath(id), writable: true, create: true, truncate: true)
        } catch {
            logger.error("cache: cannot create an upload file: \(error)")
            throw .internalError("cannot create the upload file")
        }
        uploads[id] = UploadReservation(id: id, key: key, version: version, scope: scope, declaredSize: size,
                                        file: file, lastActivity: clock.now)
        return id
    }

    /// Admits a chunk for `range` of upload `id` and returns a ticket for ``endChunk`` with the
    /// file to write into. Rejects unknown ids (404), committed entries and chunks overlapping one
    /// still being written (409), and ranges past the announced size or limit, or overlapping
    /// received bytes without being a resend of them (400).
    func beginChunk(id: Int64, range: Range<Int64>, scope: CacheScope) throws(CacheFailure) -> (ticket: Int, file: PositionedFile) {
        var upload = try reservation(id, scope: scope)
        guard !upload.committing else { throw .conflict("cache \(id) is being committed") }
        if let declared = upload.declaredSize, range.upperBound > declared {
            throw .badRequest("chunk bytes \(range.lowerBound)-\(range.upperBound - 1) end beyond the reserved size \(declared)")
        }
        guard range.upperBound <= configuration.entrySizeLimit else {
            throw .badRequest("chunk bytes \(range.lowerBound)-\(range.upperBound - 1) exceed the \(configuration.entrySizeLimit) B limit")
        }
        if upload.inFlight.values.contains(where: { $0.overlaps(range) }) {
            throw .conflict("chunk bytes \(range.lowerBound)-\(range.upperBound - 1) overlap a chunk still uploading")
        }
        if upload.received.overlaps(range) && !upload.received.contains(range) {
            throw .badRequest("chunk bytes \(range.lowerBound)-\(range.upperBound - 1) overlap bytes already received")
        }
        nextTicket += 1
        upload.inFlight[nextTicket] = range
        upload.lastActivity = clock.now
        uploads[id] = upload
        return (nextTicket, upload.file)
    }

    /// Ends a chunk admitted by ``beginChunk``; its bytes count as received only if `completed`.
    func endChunk(id: Int64, ticket: Int, completed: Bool) {
        guard var upload = uploads[id], let range = upload.inFlight.removeValue(forKey: ticket) else { return }
        if completed { upload.received.insert(range) }
        upload.lastActivity = clock.now
        uploads[id] = upload
    }

    /// First half of a commit: checks that exactly `0..<size` arrived (400 otherwise, 409 while
    /// chunks are still uploading) and freezes the upload. The caller then flushes the returned
    /// file and calls ``finishCommit``.
    func beginCommit(id: Int64, size: Int64, scope: CacheScope) throws(CacheFailure) -> PositionedFile {
        var upload = try reservation(id, scope: scope)
        guard !upload.committing else { throw .conflict("cache \(id) is already being committed") }
        guard upload.inFlight.isEmpty else { throw .conflict("cache \(id) still has chunks uploading") }
        guard size >= 0, size <= configuration.entrySizeLimit else { throw .badRequest("invalid size \(size)") }
        if let declared = upload.declaredSize, declared != size {
            throw .badRequest("commit size \(size) differs from the reserved size \(declared)")
        }
        guard upload.received.isExactly(size: size) else {
            let ranges = upload.received.ranges.map { "\($0.lowerBound)-\($0.upperBound - 1)" }.joined(separator: ",")
            throw .badRequest("commit size \(size) does not match the \(upload.received.count) bytes received (\(ranges.isEmpty ? "none" : ranges))")
        }
        upload.committing = true
        uploads[id] = upload
        return upload.file
    }

    /// Second half of a commit: moves the data into `entries/` with one `rename`, records the
    /// entry (replacing an older one with the same key, version and scope), evicts least
    /// recently used entries beyond the cap and writes the index.
    func finishCommit(id: Int64, size: Int64, flushError: (any Error)?, now: Date = Date()) throws(CacheFailure) -> CacheEntry {
        guard var upload = uploads[id] else { throw .notFound("no upload \(id)") }
        if let flushError {
            upload.committing = false
            uploads[id] = upload
            logger.error("cache: flushing upload \(id) failed: \(flushError)")
            throw .internalError("cannot write the cache entry to disk")
        }
        guard rename(layout.uploadPath(id), layout.entryPath(id)) == 0 else {
            let error = SystemCallError("rename", layout.uploadPath(id))
            upload.committing = false
            uploads[id] = upload
            logger.error("cache: \(error)")
            throw .internalError("cannot commit the cache entry")
        }
        if configuration.synchronousCommit { StorageLayout.synchronizeDirectory(layout.entriesDirectory) }
        uploads[id] = nil

        let lowered = upload.key.lowercased()
        for old in entries.values where old.key.lowercased() == lowered && old.version == upload.version && old.scope == upload.scope {
            drop(old.id)
        }
        let entry = CacheEntry(id: id, key: upload.key, version: upload.version, repository: upload.scope.repository,
                               ref: upload.scope.ref, size: size, created: now.timeIntervalSince1970,
                               lastUsed: now.timeIntervalSince1970, sequence: nextSequence)
        nextSequence += 1
        entries[id] = entry
        committedBytes += size
        indexDirty = true
        evictIfNeeded(keeping: id)
        do {
            try saveIndex()
        } catch {
            // The entry stays in memory and the next flush retries; until then a crash forgets it.
            logger.error("cache: cannot write the index: \(error)")
        }
        return entry
    }

    private func reservation(_ id: Int64, scope: CacheScope) throws(CacheFailure) -> UploadReservation {
        if let upload = uploads[id], upload.scope == scope { return upload }
        if let entry = entries[id], entry.scope == scope {
            throw .conflict("cache \(id) is already committed")
        }
        throw .notFound("no upload \(id)")
    }

    // MARK: Maintenance

    /// Discards uploads that saw no activity for ``CacheServerConfiguration/reservationTimeout``
    /// (with no chunk in flight and no commit under way) and writes the index if it changed.
    func sweep() {
        let deadline = clock.now - configuration.reservationTimeout
        for upload in uploads.values where !upload.committing && upload.inFlight.isEmpty && upload.lastActivity <= deadline {
            uploads[upload.id] = nil
            layout.remove(layout.uploadPath(upload.id))
            logger.info("cache: discarded abandoned upload \(upload.id) (\(upload.key))")
        }
        do { try saveIndex() } catch { logger.error("cache: cannot write the index: \(error)") }
    }

    /// Writes the index if it changed and releases the directory lock.
    func close() {
        do { try saveIndex() } catch { logger.error("cache: cannot write the index: \(error)") }
        lock = nil
    }

    /// The committed entries (for tests and diagnostics).
    var committedEntries: [CacheEntry] { entries.values.sorted { $0.sequence < $1.sequence } }

    /// The ids of uploads in progress.
    var pendingUploads: [Int64] { Array(uploads.keys) }

    /// Total bytes of committed entries.
    var totalSize: Int64 { committedBytes }

    private func evictIfNeeded(keeping kept: Int64?) {
        while committedBytes > configuration.maximumSize {
            let victims = entries.values.filter { $0.id != kept }
            guard let victim = victims.min(by: { ($0.lastUsed, $0.sequence) < ($1.lastUsed, $1.sequence) }) else { break }
            logger.info("cache: evicting \(victim.key) (\(victim.size) B, least recently used)")
            drop(victim.id)
        }
    }

    private func drop(_ id: Int64) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        committedBytes -= entry.size
        layout.remove(layout.entryPath(id))
        indexDirty = true
    }

    private func saveIndex() throws {
        guard indexDirty else { return }
        let index = CacheIndex(nextSequence: nextSequence, entries: entries.values.sorted { $0.id < $1.id })
        try index.save(to: layout.indexPath, temporaryPath: layout.indexTemporaryPath,
                       synchronize: configuration.synchronousCommit)
        indexDirty = false
    }
}
