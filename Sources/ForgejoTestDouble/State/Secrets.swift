import Foundation

/// Random tokens and identifiers, and constant-time comparison.
enum Secrets {
    /// `count` random bytes as lower-case hex (20 bytes → the 40-hex tokens Forgejo issues).
    static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(count * 2)
        for _ in 0..<count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text += String(byte, radix: 16).leftPadded(to: 2)
        }
        return text
    }

    /// A 40-hex token.
    static func token() -> String { hex(bytes: 20) }

    /// A random (version 4) UUID in lower case.
    static func uuid() -> String { UUID().uuidString.lowercased() }

    /// Compares without an early exit, so timing does not reveal the matching prefix.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        let length = max(left.count, right.count)
        for index in 0..<length {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }

    /// The UUID offline registration derives from a secret: its first 16 characters taken as the
    /// 16 raw bytes of the UUID (§3.2).
    static func offlineUUID(secret: String) -> String? {
        let bytes = Array(secret.utf8.prefix(16))
        guard bytes.count == 16 else { return nil }
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
