import Foundation

/// Reads the program interpreter (`PT_INTERP`, the dynamic loader) named by an ELF executable.
enum ELFInterpreter {
    enum Failure: Error, Equatable {
        case unreadable
        case notELF
    }

    /// The loader's path, or nil for a statically linked program.
    static func read(_ path: String) throws(Failure) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 64), header.count == 64 else { throw .notELF }
        let bytes = [UInt8](header)
        guard bytes[0...3] == [0x7F, 0x45, 0x4C, 0x46] else { throw .notELF }
        let is64 = bytes[4] == 2
        guard bytes[5] == 1 else { throw .notELF }  // little-endian only (x86-64, aarch64, riscv64)
        let programHeaderOffset = is64 ? Self.integer(bytes, at: 0x20, size: 8) : Self.integer(bytes, at: 0x1C, size: 4)
        let entrySize = Self.integer(bytes, at: is64 ? 0x36 : 0x2A, size: 2)
        let count = Self.integer(bytes, at: is64 ? 0x38 : 0x2C, size: 2)
        guard entrySize > 0, count > 0, count < 4096 else { return nil }
        guard (try? handle.seek(toOffset: programHeaderOffset)) != nil,
              let table = try? handle.read(upToCount: Int(entrySize * count)), table.count == Int(entrySize * count) else { throw .notELF }
        let entries = [UInt8](table)
        for index in 0..<Int(count) {
            let base = index * Int(entrySize)
            guard Self.integer(entries, at: base, size: 4) == 3 else { continue }  // PT_INTERP
            let offset = is64 ? Self.integer(entries, at: base + 8, size: 8) : Self.integer(entries, at: base + 4, size: 4)
            let size = is64 ? Self.integer(entries, at: base + 32, size: 8) : Self.integer(entries, at: base + 16, size: 4)
            guard size > 1, size < 4096, (try? handle.seek(toOffset: offset)) != nil,
                  let name = try? handle.read(upToCount: Int(size)) else { throw .notELF }
            return String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        }
        return nil
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}
