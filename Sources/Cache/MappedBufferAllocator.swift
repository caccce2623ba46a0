@_spi(CustomByteBufferAllocator) import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `ByteBufferAllocator` for download buffers that takes memory straight from `mmap` and
/// gives it back with `munmap`, keeping a few standard-size blocks for reuse.
///
/// With malloc, megabyte buffers allocated on one thread and freed on another (the event loop,
/// once written) end up spread over many glibc arenas, each keeping megabytes of freed memory:
/// tens of MB of resident memory over one 1 GiB download. Mapped blocks are returned at once,
/// so a download holds only the few buffers actually in flight.
enum MappedBufferAllocator {
    static let allocator = ByteBufferAllocator(
        allocate: { size in mappedAllocate(size) },
        reallocate: { pointer, oldSize, newSize in mappedReallocate(pointer, oldSize, newSize) },
        deallocate: { pointer in mappedDeallocate(pointer) },
        copy: { destination, source, count in destination.copyMemory(from: source, byteCount: count) })

    /// How many freed standard blocks are kept mapped for reuse (each ``CacheResponder/readChunkBytes``).
    static let maximumCachedBlocks = 4
}

/// Bytes before each buffer recording its mapping's size (0: the block came from malloc).
private let headerBytes = 64
private let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))
private let standardBlockBytes = mappingBytes(for: CacheResponder.readChunkBytes)
private let blockCache = Mutex<[UInt]>({
    var blocks: [UInt] = []
    blocks.reserveCapacity(MappedBufferAllocator.maximumCachedBlocks)
    return blocks
}())

private func mappingBytes(for size: Int) -> Int {
    (size + headerBytes + pageBytes - 1) / pageBytes * pageBytes
}

private func mappedAllocate(_ size: Int) -> UnsafeMutableRawPointer? {
    let total = mappingBytes(for: size)
    var base: UnsafeMutableRawPointer?
    if total == standardBlockBytes, let cached = blockCache.withLock({ $0.popLast() }) {
        base = UnsafeMutableRawPointer(bitPattern: cached)
    }
    if base == nil {
        let mapped = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) {
            base = mapped
            base!.storeBytes(of: total, as: Int.self)
        } else {
            // Out of mappings: fall back to malloc, marked so deallocation frees it.
            guard let allocated = malloc(size + headerBytes) else { return nil }
            allocated.storeBytes(of: 0, as: Int.self)
            return allocated + headerBytes
        }
    }
    return base! + headerBytes
}

private func mappedDeallocate(_ pointer: UnsafeMutableRawPointer) {
    let base = pointer - headerBytes
    let total = base.load(as: Int.self)
    if total == 0 {
        free(base)
        return
    }
    if total == standardBlockBytes {
        let kept = blockCache.withLock { blocks -> Bool in
            guard blocks.count < MappedBufferAllocator.maximumCachedBlocks else { return false }
            blocks.append(UInt(bitPattern: base))
            return true
        }
        if kept { return }
    }
    munmap(base, total)
}

private func mappedReallocate(_ pointer: UnsafeMutableRawPointer?, _ oldSize: Int, _ newSize: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return mappedAllocate(newSize) }
    guard let fresh = mappedAllocate(newSize) else { return nil }
    fresh.copyMemory(from: pointer, byteCount: min(oldSize, newSize))
    mappedDeallocate(pointer)
    return fresh
}
