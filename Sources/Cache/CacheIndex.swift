import Foundation
import NIOCore

/// The persistent list of committed entries, written atomically (temporary file, `fsync`,
/// `rename`, directory `fsync`) so a crash leaves either the old or the new index.
struct CacheIndex: Codable {
    var format = 1
    var nextSequence: Int64 = 1
    var entries: [CacheEntry] = []

    /// The index at `path`; nil when there is none yet.
    static func load(from path: String) throws -> CacheIndex? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(CacheIndex.self, from: data)
    }

    /// Replaces the index at `path` atomically, staging the new contents in `temporaryPath`.
    func save(to path: String, temporaryPath: String, synchronize: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let file = try PositionedFile.open(temporaryPath, writable: true, create: true, truncate: true)
        try file.write([ByteBuffer(bytes: data)], at: 0)
        if synchronize { try file.synchronize() }
        guard rename(temporaryPath, path) == 0 else { throw SystemCallError("rename", temporaryPath) }
        if synchronize { StorageLayout.synchronizeDirectory((path as NSString).deletingLastPathComponent) }
    }
}
