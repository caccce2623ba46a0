/// One entry of `ports:` as the container sees it: `8080:80` → 80/TCP, `53/udp` → 53/UDP,
/// `127.0.0.1:8080:80` and `[::1]:8080:80` → 80/TCP. Host ports have no meaning in a pod and
/// are dropped.
struct PortSpec: Hashable {
    var port: Int
    var `protocol`: String

    var description: String { "\(port)/\(`protocol`)" }

    static func parse(_ text: String, owner: String) throws(PodRenderError) -> PortSpec {
        var rest = Substring(text.trimmingCharactersInSet())
        var proto = "TCP"
        if let slash = rest.lastIndex(of: "/") {
            let name = rest[rest.index(after: slash)...].uppercased()
            guard ["TCP", "UDP", "SCTP"].contains(name) else {
                throw PodRenderError("\(owner): the port '\(text)' has an unknown protocol (expected tcp, udp or sctp)")
            }
            proto = name
            rest = rest[..<slash]
        }
        let containerSide = rest.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        if containerSide.contains("-") {
            throw PodRenderError("\(owner): the port '\(text)' is a range; Hearth needs each port listed on its own")
        }
        guard let port = Int(containerSide), (1...65535).contains(port) else {
            throw PodRenderError("\(owner): the port '\(text)' is not a port number (expected 80, 8080:80 or 53/udp)")
        }
        return PortSpec(port: port, protocol: proto)
    }
}

extension StringProtocol {
    func trimmingCharactersInSet() -> String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
