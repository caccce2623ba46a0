/// Builds server URLs from a host and a port, bracketing IPv6 literals (`fd00::1` → `[fd00::1]`).
enum KubeServerAddress {
    static func url(scheme: String, host: String, port: String?) -> String {
        var hostPart = host
        if host.contains(":") && !host.hasPrefix("[") { hostPart = "[\(host)]" }
        if let port, !port.isEmpty { return "\(scheme)://\(hostPart):\(port)" }
        return "\(scheme)://\(hostPart)"
    }
}
