import Foundation

/// The files under the storage directory:
///
/// - `index.json`: committed entries (``CacheIndex``); `index.json.tmp` while it is replaced;
/// - `entries/<id>`: committed entry data, moved there by `rename` only once complete;
/// - `uploads/<id>.part`: uploads in progress, never served and wiped at start-up;
/// - `lock`: held (`flock`) by the one server using the directory.
struct StorageLayout: Sendable {
    let root: String

    var indexPath: String { root + "/index.json" }
    var indexTemporaryPath: String { root + "/index.json.tmp" }
    var entriesDirectory: String { root + "/entries" }
    var uploadsDirectory: String { root + "/uploads" }
    var lockPath: String { root + "/lock" }

    func entryPath(_ id: Int64) -> String { entriesDirectory + "/\(id)" }
    func uploadPath(_ id: Int64) -> String { uploadsDirectory + "/\(id).part" }

    /// Creates the directories, takes the lock (failing if another server holds it) and returns
    /// the locked file, which must stay open for as long as the directory is used.
    func prepare() throws -> PositionedFile {
        for directory in [root, entriesDirectory, uploadsDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let lock = try PositionedFile.open(lockPath, writable: true, create: true)
        guard flock(lock.descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw SystemCallError("flock", lockPath + " (is another cache server using this directory?)")
        }
        return lock
    }

    /// The names in `directory` (empty when it cannot be listed).
    func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// Removes a file, ignoring one that is already gone.
    func remove(_ path: String) {
        _ = path.withCString { unlink($0) }
    }

    /// Flushes a directory's entries (after a `rename` into it) to stable storage.
    static func synchronizeDirectory(_ path: String) {
        let descriptor = path.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
