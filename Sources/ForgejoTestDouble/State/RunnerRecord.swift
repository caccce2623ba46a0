import Foundation

/// A registered runner as the double stores it.
struct RunnerRecord: Sendable {
    let id: Int64
    var uuid: String
    /// The runner token. Kept in clear (a test double may show it) but only compared in constant time.
    var token: String
    var name: String
    var version: String
    var labels: [String]
    var ephemeral: Bool
    var lastOnline: Date?
    var lastActive: Date?
    var declareCount = 0

    var snapshot: RunnerSnapshot {
        RunnerSnapshot(id: id, uuid: uuid, name: name, version: version, labels: labels, ephemeral: ephemeral,
                       lastOnline: lastOnline, lastActive: lastActive, declareCount: declareCount)
    }
}
