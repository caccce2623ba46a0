import Foundation
import Logging
import NIOCore
import Synchronization

/// Measures the cache server against the disk it stores on.
public enum CacheBenchmark {
    /// The toolkit's upload chunk size.
    public static let chunkBytes = 32 << 20
    /// The toolkit's default number of chunks uploaded at once.
    public static let uploadConcurrency = 4

    /// Writes a `bytes`-long file under `directory` (flushed to disk, untimed), then times
    /// (1) copying it on the same disk (`read`/`write` in 1 MiB blocks, then `fsync`), once before
    /// and once after the HTTP round trip, the faster being the floor; (2) saving it through a
    /// ``CacheServer`` over loopback HTTP as the toolkit does (reserve, ``chunkBytes`` chunks with
    /// ``uploadConcurrency`` in flight, commit, which includes the server's `fsync`); and
    /// (3) restoring it (lookup, one streamed download into a file, `fsync`). The restored file is
    /// checked byte for byte. Returns the three durations and the process's peak resident set
    /// size (`VmHWM`) once the restore is checked. Everything it wrote is removed.
    public static func run(bytes: Int, directory: String) async throws
        -> (saveSeconds: Double, restoreSeconds: Double, copySeconds: Double, peakRSSBytes: Int)
    {
        precondition(bytes > 0, "the benchmark needs at least one byte")
        let root = directory + "/hearth-cache-bench-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = root + "/source.bin"
        try await DedicatedThread.run { try writePattern(to: source, bytes: bytes) }

        @Sendable func timedCopy() async throws -> Double {
            try await DedicatedThread.run { () throws -> Double in
                let seconds = try measure { try copy(from: source, to: root + "/copy.bin") }
                try? FileManager.default.removeItem(atPath: root + "/copy.bin")
                return seconds
            }
        }
        let firstCopySeconds = try await timedCopy()

        var logger = Logger(label: "hearth.cache.benchmark")
        logger.logLevel = .warning
        let server = CacheServer(configuration: CacheServerConfiguration(directory: root + "/store", maximumSize: Int64(bytes) * 2 + (1 << 20)),
                                 logger: logger)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        do {
            let base = "/" + server.issueToken(repository: "bench/bench", ref: nil) + "/_apis/artifactcache/"
            let clock = ContinuousClock()

            let saveStart = clock.now
            try await save(source: source, bytes: bytes, port: port, base: base)
            let saveSeconds = seconds(clock.now - saveStart)

            let restored = root + "/restored.bin"
            let restoreStart = clock.now
            try await restore(into: restored, bytes: bytes, port: port, base: base)
            let restoreSeconds = seconds(clock.now - restoreStart)

            await server.stop()
            try await DedicatedThread.run { try compare(source, restored) }
            let peak = ProcessMemory.peakResidentBytes()
            try? FileManager.default.removeItem(atPath: restored)
            // The floor is the faster of a copy before and one after the HTTP round trip, so
            // write-back left over from either side does not flatter the server.
            let copySeconds = min(firstCopySeconds, try await timedCopy())
            return (saveSeconds, restoreSeconds, copySeconds, peak)
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func save(source: String, bytes: Int, port: Int, base: String) async throws {
        let reserved = try await DedicatedThread.run {
            try exchange(port: port, method: "POST", path: base + "caches",
                         json: #"{"key":"benchmark","version":"v1","cacheSize":\#(bytes)}"#)
        }
        guard reserved.status == 200, let id = (try? JSONDecoder().decode(Reserved.self, from: Data(reserved.body)))?.cacheId else {
            throw BenchmarkError("reserve failed: \(reserved.status) \(reserved.text)")
        }
        let file = try PositionedFile.open(source, writable: false)
        let cursor = Cursor()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<uploadConcurrency {
                group.addTask {
                    try await DedicatedThread.run {
                        while true {
                            let start = cursor.take(chunkBytes)
                            guard start < bytes else { return }
                            let count = min(chunkBytes, bytes - start)
                            let socket = try BlockingSocket(host: "127.0.0.1", port: port)
                            try socket.send("PATCH \(base)caches/\(id) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                                + "Content-Type: application/octet-stream\r\nContent-Range: bytes \(start)-\(start + count - 1)/*\r\n"
                                + "Content-Length: \(count)\r\n\r\n")
                            try socket.sendFile(file.descriptor, offset: Int64(start), count: count)
                            let response = try socket.readResponse()
                            guard response.status == 200 else { throw BenchmarkError("chunk at \(start): \(response.status) \(response.text)") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let committed = try await DedicatedThread.run {
            try exchange(port: port, method: "POST", path: base + "caches/\(id)", json: #"{"size":\#(bytes)}"#)
        }
        guard committed.status == 200 else { throw BenchmarkError("commit failed: \(committed.status) \(committed.text)") }
    }

    private static func restore(into path: String, bytes: Int, port: Int, base: String) async throws {
        try await DedicatedThread.run {
            let found = try exchange(port: port, method: "GET", path: base + "cache?keys=benchmark&version=v1", json: nil)
            guard found.status == 200, let location = (try? JSONDecoder().decode(Found.self, from: Data(found.body)))?.archiveLocation,
                  let url = URL(string: location) else {
                throw BenchmarkError("lookup failed: \(found.status) \(found.text)")
            }
            let socket = try BlockingSocket(host: "127.0.0.1", port: port)
            try socket.send("GET \(url.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            let head = try socket.readHead()
            guard head.status == 200, head.header("content-length") == "\(bytes)" else {
                throw BenchmarkError("download failed: \(head.status)")
            }
            let output = try PositionedFile.open(path, writable: true, create: true, truncate: true)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
            defer { buffer.deallocate() }
            var received = 0
            while received < bytes {
                let got = try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, bytes - received)]))
                guard got > 0 else { throw BenchmarkError("download ended after \(received) of \(bytes) bytes") }
                var written = 0
                while written < got {
                    let result = pwrite(output.descriptor, buffer.baseAddress! + written, got - written, off_t(received + written))
                    guard result > 0 else { throw SystemCallError("pwrite", path) }
                    written += result
                }
                received += got
            }
            try output.synchronize()
        }
    }

    /// One small request and its whole response, on a fresh connection.
    private static func exchange(port: Int, method: String, path: String, json: String?) throws -> RawHTTPResponse {
        let socket = try BlockingSocket(host: "127.0.0.1", port: port)
        let body = Array((json ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        if json != nil { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        try socket.send(Array((head + "\r\n").utf8) + body)
        return try socket.readResponse()
    }

    private static func writePattern(to path: String, bytes: Int) throws {
        let file = try PositionedFile.open(path, writable: true, create: true, truncate: true)
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        block.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                words[index] = state
            }
        }
        var offset = 0
        var blockNumber: UInt64 = 0
        while offset < bytes {
            let count = min(block.count, bytes - offset)
            block.withUnsafeMutableBytes { $0.storeBytes(of: blockNumber, as: UInt64.self) }
            try file.write([ByteBuffer(bytes: block[0..<count])], at: Int64(offset))
            offset += count
            blockNumber += 1
        }
        try file.synchronize()
    }

    private static func copy(from source: String, to destination: String) throws {
        let input = try PositionedFile.open(source, writable: false)
        let output = try PositionedFile.open(destination, writable: true, create: true, truncate: true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let got = read(input.descriptor, buffer.baseAddress!, buffer.count)
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw SystemCallError("read", source) }
            if got == 0 { break }
            var written = 0
            while written < got {
                let result = write(output.descriptor, buffer.baseAddress! + written, got - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw SystemCallError("write", destination) }
                written += result
            }
        }
        try output.synchronize()
    }

    private static func compare(_ first: String, _ second: String) throws {
        let left = try PositionedFile.open(first, writable: false)
        let right = try PositionedFile.open(second, writable: false)
        guard try left.size() == right.size() else { throw BenchmarkError("the restored file has the wrong size") }
        let size = try left.size()
        var offset: Int64 = 0
        while offset < size {
            let a = try left.read(count: 1 << 20, at: offset, allocator: .init())
            let b = try right.read(count: 1 << 20, at: offset, allocator: .init())
            guard a == b else { throw BenchmarkError("the restored file differs near byte \(offset)") }
            offset += Int64(a.readableBytes)
        }
    }

    private static func measure(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return seconds(clock.now - start)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Hands out chunk offsets to the upload threads.
    private final class Cursor: Sendable {
        private let next = Mutex(0)

        func take(_ step: Int) -> Int {
            next.withLock { value in
                defer { value += step }
                return value
            }
        }
    }

    private struct Reserved: Decodable { let cacheId: Int64 }
    private struct Found: Decodable { let archiveLocation: String }

    private struct BenchmarkError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
