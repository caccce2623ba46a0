/// Why a remote action could not be fetched. Messages name the repository URL without
/// credentials and never contain the token.
public enum ActionFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered that the repository does not exist (HTTP 404).
    case repositoryNotFound(url: String)
    /// The server could not be reached (name resolution, connection, TLS, 5xx…), and nothing
    /// usable was cached.
    case unreachable(url: String, detail: String)
    /// The ref is not a valid git ref name (for a `RemoteAction` made without the parser).
    case invalidRef(ref: String, reason: String)
    /// No branch, tag or commit of that name.
    case refNotFound(ref: String, url: String)
    /// The server wants credentials and none were sent.
    case authenticationRequired(url: String)
    /// The server rejected the credentials that were sent.
    case authenticationFailed(url: String)
    /// The action's sub-directory does not exist at that ref.
    case pathNotFound(path: String, url: String, ref: String)
    /// The action's directory has neither `action.yml` nor `action.yaml`.
    case actionFileMissing(path: String, url: String, ref: String)
    /// git failed in another way; `detail` is its (masked) output.
    case gitFailed(url: String, detail: String)
    /// The cache directory could not be written.
    case cacheFailed(detail: String)
    /// The fetch was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .repositoryNotFound(let url):
            "repository \(url) not found"
        case .unreachable(let url, let detail):
            detail.isEmpty ? "cannot reach \(url)" : "cannot reach \(url): \(detail)"
        case .invalidRef(let ref, let reason):
            "'\(ref)' is not a valid ref: it \(reason)"
        case .refNotFound(let ref, let url):
            if ActionURL.looksLikeShortSHA(ref) {
                "ref '\(ref)' not found in \(url) (an abbreviated commit sha is not supported: use the full 40-character sha)"
            } else {
                "ref '\(ref)' not found in \(url)"
            }
        case .authenticationRequired(let url):
            "authentication required for \(url), and no token was sent"
        case .authenticationFailed(let url):
            "authentication failed for \(url): the token was rejected"
        case .pathNotFound(let path, let url, let ref):
            "directory '\(path)' not found in \(url)@\(ref)"
        case .actionFileMissing(let path, let url, let ref):
            path.isEmpty
                ? "no action.yml or action.yaml at the root of \(url)@\(ref)"
                : "no action.yml or action.yaml in '\(path)' of \(url)@\(ref)"
        case .gitFailed(let url, let detail):
            "git failed for \(url): \(detail)"
        case .cacheFailed(let detail):
            "action cache: \(detail)"
        case .cancelled:
            "fetching the action was cancelled"
        }
    }
}
