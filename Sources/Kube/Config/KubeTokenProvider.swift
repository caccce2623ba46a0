import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Supplies the bearer token for each request. A token file is read again whenever its identity
/// (device, inode, size, modification time) changes, which covers the kubelet's atomic symlink swap
/// and a plain rewrite; between changes the cached value is used.
final class KubeTokenProvider: Sendable {
    private struct FileStamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private struct Cache {
        var stamp: FileStamp?
        var token: String?
    }

    private let source: KubeTokenSource?
    private let cache = Mutex(Cache())

    init(_ source: KubeTokenSource?) {
        self.source = source
    }

    /// The current token, or nil when there is none (or the file cannot be read).
    func token() -> String? {
        switch source {
        case .none:
            return nil
        case .value(let value):
            return value
        case .file(let path):
            let stamp = Self.stamp(path)
            if let cached = cache.withLock({ $0.stamp != nil && $0.stamp == stamp ? $0.token : nil }) {
                return cached
            }
            guard let data = FileManager.default.contents(atPath: path) else { return cache.withLock { $0.token } }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            cache.withLock { $0 = Cache(stamp: stamp, token: token) }
            return token
        }
    }

    private static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                         seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
    }
}
