import Foundation

/// A Forgejo instance address as given at registration (`https://forgejo.example.org`,
/// `https://host/git/`, `http://[::1]:3000`) and the Connect base URL derived from it.
///
/// The base URL is the address with trailing slashes removed plus `/api/actions`, exactly as
/// forgejo-runner builds it; procedures are appended as `/<package>.<Service>/<Method>`.
public struct InstanceAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as typed (surrounding whitespace removed). This is what `.runner` stores.
    public let original: String
    /// The address without trailing slashes.
    public let trimmed: String
    /// `trimmed + "/api/actions"`.
    public let apiBase: String
    /// `http` or `https`.
    public let scheme: String
    /// Host name or IP address (IPv6 without brackets).
    public let host: String

    /// Parses and validates an address.
    /// - Throws: ``TransportError`` of kind ``TransportError/Kind/invalidAddress``.
    public init(_ address: String) throws {
        let original = address.trimmingCharacters(in: .whitespacesAndNewlines)
        var trimmed = original
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty else {
            throw TransportError(kind: .invalidAddress, message: "the address is empty (expected e.g. https://forgejo.example.org)")
        }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw TransportError(kind: .invalidAddress, message: "\"\(original)\" is not a URL (expected e.g. https://forgejo.example.org)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw TransportError(kind: .invalidAddress, message: "\"\(original)\" must start with http:// or https://")
        }
        var host = components.host ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw TransportError(kind: .invalidAddress, message: "\"\(original)\" has no host name")
        }
        if components.query != nil || components.fragment != nil {
            throw TransportError(kind: .invalidAddress, message: "\"\(original)\" must not contain a query or fragment")
        }
        self.original = original
        self.trimmed = trimmed
        self.apiBase = trimmed + "/api/actions"
        self.scheme = scheme
        self.host = host
    }

    /// True for `https` addresses.
    public var isTLS: Bool { scheme == "https" }

    /// The URL of a procedure such as `runner.v1.RunnerService/FetchTask`.
    public func url(for procedure: String) -> String {
        procedure.hasPrefix("/") ? apiBase + procedure : apiBase + "/" + procedure
    }

    /// The trimmed address.
    public var description: String { trimmed }
}
