import ForgejoProtocol

/// The status of a job or task as Forgejo stores it (`models/actions/status.go`).
///
/// Values 0–4 equal the wire `Runner_V1_Result`; `waiting`, `running` and `blocked` exist only on
/// the server and map to `RESULT_UNSPECIFIED`.
public enum ActionStatus: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case unknown = 0
    case success = 1
    case failure = 2
    case cancelled = 3
    case skipped = 4
    case waiting = 5
    case running = 6
    case blocked = 7

    /// True for success, failure, cancelled and skipped.
    public var isDone: Bool {
        switch self {
        case .success, .failure, .cancelled, .skipped: true
        case .unknown, .waiting, .running, .blocked: false
        }
    }

    /// The wire result: the status itself when it is final, else `unspecified`.
    public var result: Runner_V1_Result {
        switch self {
        case .success: .success
        case .failure: .failure
        case .cancelled: .cancelled
        case .skipped: .skipped
        case .unknown, .waiting, .running, .blocked: .unspecified
        }
    }

    /// The status a wire result stands for (`unspecified` and unknown values give nil).
    public init?(result: Runner_V1_Result) {
        switch result {
        case .success: self = .success
        case .failure: self = .failure
        case .cancelled: self = .cancelled
        case .skipped: self = .skipped
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    /// The lower-case name (`success`, `running`, …), as the `needs` context spells results.
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .success: "success"
        case .failure: "failure"
        case .cancelled: "cancelled"
        case .skipped: "skipped"
        case .waiting: "waiting"
        case .running: "running"
        case .blocked: "blocked"
        }
    }

    /// Parses `description`.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let status = ActionStatus(name: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown status \(name)")
        }
        self = status
    }
}
