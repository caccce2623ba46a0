import Synchronization

/// Builds the URLs jobs use: from the configured external URL, or from the advertised host (never
/// an auto-detected address) and port. Knows the bound port once the server runs.
final class CacheAddress: Sendable {
    private let configuration: CacheServerConfiguration
    private let bound = Mutex<(host: String, port: Int)?>(nil)

    init(configuration: CacheServerConfiguration) {
        self.configuration = configuration
    }

    /// Records where the server listens.
    func setBound(host: String, port: Int) {
        bound.withLock { $0 = (host, port) }
    }

    var boundPort: Int? { bound.withLock { $0?.port } }

    /// The base URL for `token`, ending in `/`: `http://host:port/<token>/`.
    func base(forToken token: String) -> String {
        if let external = configuration.externalURL, !external.isEmpty {
            return (external.hasSuffix("/") ? external : external + "/") + token + "/"
        }
        let listening = bound.withLock { $0 }
        var host = configuration.advertisedHost ?? ""
        if host.isEmpty {
            let bindHost = listening?.host ?? ""
            host = ["", "::", "0.0.0.0", "[::]"].contains(bindHost) ? "127.0.0.1" : bindHost
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.contains(":") { host = "[" + host + "]" }
        let port = configuration.advertisedPort ?? listening?.port ?? 0
        return "http://\(host):\(port)/\(token)/"
    }
}
