#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, flags, mode)
    #else
    Darwin.open(path, flags, mode)
    #endif
}

/// An open file used with positioned I/O (`pwrite`/`pread`), so concurrent chunks of one upload
/// can write at their own offsets through one descriptor. Closed when the last reference goes,
/// which keeps a descriptor from being reused while a transfer still holds it.
package final class PositionedFile: Sendable {
    package let descriptor: Int32
    package let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens `path`; with `create` it is created when missing, with `truncate` emptied.
    package static func open(_ path: String, writable: Bool, create: Bool = false, truncate: Bool = false) throws -> PositionedFile {
        var flags = writable ? O_RDWR : O_RDONLY
        if create { flags |= O_CREAT }
        if truncate { flags |= O_TRUNC }
        flags |= O_CLOEXEC
        let descriptor = path.withCString { systemOpen($0, flags, 0o644) }
        guard descriptor >= 0 else { throw SystemCallError("open", path) }
        return PositionedFile(descriptor: descriptor, path: path)
    }

    /// Writes every readable byte of `buffers`, back to back, starting at `offset`.
    package func write(_ buffers: [ByteBuffer], at offset: Int64) throws {
        var position = offset
        for buffer in buffers {
            try buffer.withUnsafeReadableBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(position))
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw SystemCallError("pwrite", path)
                    }
                    done += written
                    position += Int64(written)
                }
            }
        }
    }

    /// Reads up to `count` bytes at `offset` (fewer only at end of file), appending them to
    /// `buffer` in place.
    package func read(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws {
        let target = buffer.readableBytes + count
        var position = offset
        while buffer.readableBytes < target {
            let want = target - buffer.readableBytes
            let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { bytes in
                while true {
                    let result = pread(descriptor, bytes.baseAddress!, min(bytes.count, want), off_t(position))
                    if result < 0 && errno == EINTR { continue }
                    guard result >= 0 else { throw SystemCallError("pread", path) }
                    return result
                }
            }
            if got == 0 { break }
            position += Int64(got)
        }
    }

    /// Reads up to `count` bytes at `offset` into a new buffer.
    package func read(count: Int, at offset: Int64, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        try read(into: &buffer, count: count, at: offset)
        return buffer
    }

    /// Flushes the file's data to stable storage.
    package func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw SystemCallError("fsync", path) }
    }

    /// The current size of the file.
    package func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemCallError("fstat", path) }
        return Int64(info.st_size)
    }
}
