/// Where the double's HTTP server listens.
public struct BoundAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host it was bound to, as given (`::`, `127.0.0.1`, `localhost`, …).
    public var host: String
    /// The bound port (the ephemeral one when 0 was asked for).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// A host a client can connect to: wildcard addresses become loopback (`::` → `::1`,
    /// `0.0.0.0` → `127.0.0.1`).
    public var connectableHost: String {
        switch host {
        case "::", "", "[::]": "::1"
        case "0.0.0.0": "127.0.0.1"
        default: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
    }

    /// `http://host:port` with IPv6 literals bracketed, no trailing slash.
    public var url: String {
        let host = connectableHost
        return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    public var description: String { url }
}
