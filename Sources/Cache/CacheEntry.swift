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

    /// `created` in ISO 8601 (UTC, whole seconds), formatted without Foundation's formatters,
    /// which would pull megabytes of ICU data into memory for one field.
    var creationTime: String {
        var time = time_t(created)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// Whether this entry is newer than `other` (later commit wins).
    func isNewer(than other: CacheEntry) -> Bool {
        created != other.created ? created > other.created : sequence > other.sequence
    }
}
