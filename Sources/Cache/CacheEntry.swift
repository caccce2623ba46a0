import Foundation

/// One committed cache entry as recorded in the index.
struct CacheEntry: Codable, Sendable, Equatable {
    /// Also the `cacheId` the upload used and the `artifacts/<id>` download path.
    let id: Int64
    /// The key as saved (matching is case-insensitive).
    let key: String
    /// The toolkit's version hash (paths + compression); must match exactly.
    let version: String
    let repository: String
    let ref: String?
    let size: Int64
    /// When the entry was committed (seconds since 1970).
    let created: Double
    /// When the entry was last found or downloaded (seconds since 1970), for LRU eviction.
    var lastUsed: Double
    /// Commit order, to break ties between entries committed within the same clock tick.
    let sequence: Int64

    var scope: CacheScope { CacheScope(repository: repository, ref: ref) }

    /// Whether this entry is newer than `other` (later commit wins).
    func isNewer(than other: CacheEntry) -> Bool {
        created != other.created ? created > other.created : sequence > other.sequence
    }
}
