import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A git smart-HTTP server on loopback for tests: HTTP/1.1 over POSIX sockets, one thread per
/// connection, each request answered by running `git http-backend` as a CGI program.
///
/// Repositories are served from `root` (`<root>/owner/repo.git`, reachable as
/// `<baseURL>/owner/repo.git` and `<baseURL>/owner/repo`). With `requiredToken`, every request
/// needs HTTP basic authentication whose password is the token, else it gets
/// `401` with `WWW-Authenticate: Basic realm="git"`; authenticated requests may also push.
/// Every response carries `Content-Length` and closes its connection.
public final class GitHTTPServer: Sendable {
    /// Which loopback address the server listens on.
    public enum AddressFamily: Sendable {
        case ipv4
        case ipv6
    }

    /// The directory holding the repositories (`GIT_PROJECT_ROOT`).
    public let root: String
    /// The port the server listens on (chosen by the kernel).
    public let port: Int
    /// `http://127.0.0.1:PORT` (or `http://[::1]:PORT`), without a trailing slash.
    public let baseURL: String

    private let core: GitHTTPServerCore

    /// Starts listening at once; `stop()` (or releasing the server) ends it.
    ///
    /// - Parameters:
    ///   - root: the directory with the repositories.
    ///   - requiredToken: when set, the password every request must carry in basic auth.
    ///   - addressFamily: listen on 127.0.0.1 (default) or on [::1].
    ///   - gitConfig: configuration given to `git http-backend` and the `git upload-pack` it
    ///     runs, e.g. `["uploadpack.allowReachableSHA1InWant": "true"]`.
    ///   - protocolVersion2: when false, the client's `Git-Protocol` header is ignored, so the
    ///     server speaks protocol v0 (which refuses commits that are not a branch or tag tip,
    ///     as many servers do).
    public init(
        root: String,
        requiredToken: String? = nil,
        addressFamily: AddressFamily = .ipv4,
        gitConfig: [String: String] = [:],
        protocolVersion2: Bool = true
    ) throws(GitHTTPServerError) {
        self.root = root
        core = try GitHTTPServerCore(
            root: root, requiredToken: requiredToken, ipv6: addressFamily == .ipv6,
            gitConfig: gitConfig, protocolVersion2: protocolVersion2)
        port = core.port
        baseURL = addressFamily == .ipv4 ? "http://127.0.0.1:\(core.port)" : "http://[::1]:\(core.port)"
        core.start()
    }

    deinit {
        core.stop()
    }

    /// The URL of a repository, e.g. `url(of: "owner/repo")` → `http://127.0.0.1:PORT/owner/repo`.
    public func url(of repository: String) -> String {
        "\(baseURL)/\(repository)"
    }

    /// How many HTTP requests arrived since the start or the last `resetCounters()` (rejected
    /// ones included).
    public var requestCount: Int {
        core.requests.count
    }

    /// The requests since the start or the last `resetCounters()`, as
    /// `"GET /owner/repo.git/info/refs?service=git-upload-pack"`, in arrival order.
    public var requests: [String] {
        core.requests
    }

    public func resetCounters() {
        core.resetRequests()
    }

    /// Stops accepting connections (new ones are refused), waits for requests in progress to be
    /// answered, and releases the port. Calling it again does nothing.
    public func stop() {
        core.stop()
    }
}
