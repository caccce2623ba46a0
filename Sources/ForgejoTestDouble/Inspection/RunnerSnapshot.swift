import Foundation

/// A copy of one registered runner.
public struct RunnerSnapshot: Sendable, Encodable {
    public var id: Int64
    public var uuid: String
    public var name: String
    public var version: String
    /// The label names from Register, replaced by each Declare.
    public var labels: [String]
    public var ephemeral: Bool
    /// Set by every authenticated call.
    public var lastOnline: Date?
    /// Set by UpdateTask and UpdateLog.
    public var lastActive: Date?
    /// Number of Declare calls received.
    public var declareCount: Int

    /// Forgejo's derived status at `now`: offline when `lastOnline` is older than a minute, idle
    /// when `lastActive` is older than 10 seconds, else active.
    public func status(at now: Date = Date()) -> String {
        guard let lastOnline, now.timeIntervalSince(lastOnline) < 60 else { return "offline" }
        guard let lastActive, now.timeIntervalSince(lastActive) < 10 else { return "idle" }
        return "active"
    }

    private enum CodingKeys: String, CodingKey {
        case id, uuid, name, version, labels, ephemeral, lastOnline = "last_online", lastActive = "last_active"
        case declareCount = "declare_count"
    }
}
