import Engine
import Foundation

/// The per-job credential of an agent: HMAC-SHA256 of the task id under a key every controller
/// replica derives from the runner's own secret. Any replica, also one started after the pod,
/// can check it without shared state, and it authorises that one task's channel only.
public struct AgentTokens: Sendable {
    private let key: [UInt8]

    /// `secret`: the runner token from `.runner` (never sent anywhere by this type).
    public init(secret: String) {
        var hash = SHA256()
        hash.update("hearth agent channel v1\u{0}")
        hash.update(secret)
        key = hash.finalize()
    }

    public func token(forTask taskID: Int64) -> String {
        SHA256.hex(Self.hmac(key: key, message: Array("task:\(taskID)".utf8)))
    }

    /// Constant-time comparison of a presented token.
    public func accepts(_ presented: String, forTask taskID: Int64) -> Bool {
        let expected = Array(token(forTask: taskID).utf8)
        let given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
