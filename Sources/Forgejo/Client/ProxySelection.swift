import Foundation

/// The proxy to use for an instance, chosen from `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and
/// their lower-case spellings) the way Go's `http.ProxyFromEnvironment` does for forgejo-runner:
/// the `https` variable for https addresses, the `http` one for http addresses, never for
/// loopback hosts, and not for hosts listed in `NO_PROXY`.
public struct ProxySelection: Sendable, Equatable {
    /// The proxy protocol.
    public enum Kind: Sendable, Equatable {
        /// An HTTP proxy (CONNECT tunnel).
        case http
        /// A SOCKS5 proxy.
        case socks
    }

    /// Proxy protocol.
    public var kind: Kind
    /// Proxy host (IPv6 without brackets).
    public var host: String
    /// Proxy port.
    public var port: Int
    /// `user:password` from the proxy URL, if any.
    public var credentials: (user: String, password: String)? {
        guard let user else { return nil }
        return (user, password ?? "")
    }
    var user: String?
    var password: String?

    /// Picks the proxy for `address`, or nil for a direct connection.
    public static func select(for address: InstanceAddress, environment: [String: String]) -> ProxySelection? {
        func variable(_ name: String) -> String? {
            let value = environment[name.uppercased()] ?? environment[name.lowercased()]
            return value.flatMap { $0.isEmpty ? nil : $0 }
        }
        let host = address.host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.") {
            return nil
        }
        if let noProxy = variable("no_proxy"), bypasses(host: host, noProxy: noProxy) { return nil }
        guard let raw = variable(address.isTLS ? "https_proxy" : "http_proxy") else { return nil }
        return parse(raw)
    }

    static func bypasses(host: String, noProxy: String) -> Bool {
        for entry in noProxy.split(separator: ",") {
            var pattern = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if pattern.isEmpty { continue }
            if pattern == "*" { return true }
            if pattern.hasPrefix("["), let end = pattern.firstIndex(of: "]") {
                pattern = String(pattern[pattern.index(after: pattern.startIndex)..<end])
            } else if let colon = pattern.lastIndex(of: ":"), pattern.filter({ $0 == ":" }).count == 1 {
                pattern = String(pattern[..<colon])  // drop a port
            }
            if pattern.hasPrefix("*.") { pattern.removeFirst() }
            if pattern.hasPrefix(".") {
                if host.hasSuffix(pattern) || host == String(pattern.dropFirst()) { return true }
            } else if host == pattern || host.hasSuffix("." + pattern) {
                return true
            }
        }
        return false
    }

    static func parse(_ raw: String) -> ProxySelection? {
        let text = raw.contains("://") ? raw : "http://" + raw
        guard let components = URLComponents(string: text), var host = components.host, !host.isEmpty else {
            return nil
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let scheme = components.scheme?.lowercased() ?? "http"
        let kind: Kind
        let defaultPort: Int
        switch scheme {
        case "http": kind = .http; defaultPort = 80
        case "https": kind = .http; defaultPort = 443
        case "socks5", "socks5h": kind = .socks; defaultPort = 1080
        default: return nil
        }
        return ProxySelection(kind: kind, host: host, port: components.port ?? defaultPort,
                              user: components.user?.removingPercentEncoding,
                              password: components.password?.removingPercentEncoding)
    }

    init(kind: Kind, host: String, port: Int, user: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.user = user
        self.password = password
    }
}
