/// `permissions:` of a workflow or job.
public enum Permissions: Sendable, Hashable {
    /// `permissions: read-all`.
    case readAll
    /// `permissions: write-all`.
    case writeAll
    /// A mapping of scopes; scopes not listed are `none`.
    case scopes([String: PermissionLevel])

    /// The level this grants for `scope` (e.g. `contents`).
    public func level(for scope: String) -> PermissionLevel {
        switch self {
        case .readAll: return .read
        case .writeAll: return .write
        case .scopes(let scopes): return scopes[scope] ?? .none
        }
    }

    /// The scopes GitHub knows, in the order its messages list them.
    public static let knownScopes: [String] = [
        "actions", "checks", "contents", "deployments", "discussions", "issues", "packages", "pages",
        "pull-requests", "repository-projects", "statuses", "security-events", "id-token",
        "attestations", "artifact-metadata", "code-quality", "copilot-requests", "drives", "models",
        "vulnerability-alerts",
    ]
}

/// An access level of one permission scope.
public enum PermissionLevel: String, Sendable, Hashable, Comparable {
    case none, read, write

    private var rank: Int {
        switch self {
        case .none: return 0
        case .read: return 1
        case .write: return 2
        }
    }

    public static func < (lhs: PermissionLevel, rhs: PermissionLevel) -> Bool { lhs.rank < rhs.rank }
}
