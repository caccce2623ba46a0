import Synchronization

/// The base URL jobs reach the server at, known once the server is bound; the responder builds
/// every URL it hands out (containers, files, signed blob URLs) from it.
final class ArtifactAddress: Sendable {
    private let base = Mutex<String>("")

    func set(_ url: String) { base.withLock { $0 = url } }

    /// `http://host:port/`.
    var url: String { base.withLock { $0 } }

    /// `http://<host>:<port>/`: the advertised host, else the bind host when it is a specific
    /// address, else `127.0.0.1`; IPv6 literals are bracketed.
    static func baseURL(advertisedHost: String?, bindHost: String, port: Int) -> String {
        var host = advertisedHost ?? ""
        if host.isEmpty {
            host = ["", "::", "0.0.0.0", "[::]"].contains(bindHost) ? "127.0.0.1" : bindHost
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.contains(":") { host = "[" + host + "]" }
        return "http://\(host):\(port)/"
    }
}
