import Foundation

/// A minimal gzip writer (RFC 1952) that uses *stored* deflate blocks: the output is valid gzip
/// that every decoder accepts, so it exercises a client's decompression path, but it does not
/// make the body smaller (no zlib is available to the double).
enum Gzip {
    static func encode(_ data: Data) -> Data {
        var output = Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let isLast = offset + length >= bytes.count
            output.append(isLast ? 0x01 : 0x00)
            let size = UInt16(length)
            output.append(contentsOf: [UInt8(size & 0xFF), UInt8(size >> 8), UInt8(~size & 0xFF), UInt8(~size >> 8)])
            output.append(contentsOf: bytes[offset..<(offset + length)])
            offset += length
        } while offset < bytes.count
        append(crc32(bytes), to: &output)
        append(UInt32(truncatingIfNeeded: bytes.count), to: &output)
        return output
    }

    private static func append(_ value: UInt32, to output: inout Data) {
        output.append(contentsOf: [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF),
                                   UInt8((value >> 16) & 0xFF), UInt8(value >> 24)])
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// True when an `Accept-Encoding` value allows gzip.
    static func isAccepted(by acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        for part in acceptEncoding.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard pieces.first == "gzip" || pieces.first == "*" else { continue }
            if pieces.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }) { continue }
            return true
        }
        return false
    }
}
