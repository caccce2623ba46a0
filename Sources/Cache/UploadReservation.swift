/// An upload in progress: a reserved id whose chunks are written into `uploads/<id>.part`.
struct UploadReservation: Sendable {
    let id: Int64
    let key: String
    let version: String
    let scope: CacheScope
    /// The `cacheSize` the client announced when reserving, if any.
    let declaredSize: Int64?
    let file: PositionedFile
    /// Bytes whose chunk request completed.
    var received = ByteRangeSet()
    /// Chunks being written now, by ticket.
    var inFlight: [Int: Range<Int64>] = [:]
    /// The last reservation, chunk start or chunk end (for discarding abandoned uploads).
    var lastActivity: ContinuousClock.Instant
    /// Set while the commit flushes and moves the file; no chunk is accepted then.
    var committing = false
}
