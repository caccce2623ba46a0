/// URL handling for remote actions: removing credentials, the host a token may go to, and the
/// identity a repository is cached under.
enum ActionURL {
    /// `scheme://user:password@host/…` → `scheme://host/…`, also inside longer text (every
    /// `://…@` before the next `/` or space).
    static func removingCredentials(from text: String) -> String {
        replacingCredentials(in: text, with: "")
    }

    /// `scheme://user:password@host/…` → `scheme://***@host/…`, also inside longer text.
    static func maskingCredentials(in text: String) -> String {
        replacingCredentials(in: text, with: "***@")
    }

    private static func replacingCredentials(in text: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let schemeEnd = rest.range(of: "://") {
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == " " || $0 == "'" || $0 == "\"" || $0.isNewline } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                result += replacement
                rest = rest[rest.index(after: at)...]
            }
        }
        return result + rest
    }

    /// The `user:password` of a URL, if it has one.
    static func credentials(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        return String(rest[..<at])
    }

    /// The host alone, in lower case, without port, credentials or IPv6 brackets
    /// (`http://u:p@[::1]:8080/x` → `::1`).
    static func host(of url: String) -> String? {
        guard let authority = hostAndPort(of: url) else { return nil }
        return hostOnly(authority)
    }

    /// `host[:port]` or `[v6]:port` → the host without brackets.
    static func hostOnly(_ authority: String) -> String {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return authority }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":"), authority.firstIndex(of: ":") == colon {
            return String(authority[..<colon])
        }
        return authority  // a bare IPv6 address, or no port
    }

    /// `host[:port]` in lower case, without credentials.
    static func hostAndPort(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...]
        if let slash = authority.firstIndex(of: "/") { authority = authority[..<slash] }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return authority.isEmpty ? nil : authority.lowercased()
    }

    /// What identifies a repository in the cache: no credentials, scheme and host in lower case,
    /// no trailing `/` or `.git` (so `…/owner/repo` and `…/owner/repo.git` share an entry).
    static func cacheIdentity(of url: String) -> String {
        var clean = removingCredentials(from: url)
        while clean.hasSuffix("/") { clean.removeLast() }
        if clean.hasSuffix(".git") { clean.removeLast(4) }
        guard let schemeEnd = clean.range(of: "://") else { return clean }
        let afterScheme = clean[schemeEnd.upperBound...]
        let slash = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        return clean[..<slash].lowercased() + clean[slash...]
    }

    /// 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.
    static func isCommitSHA(_ ref: String) -> Bool {
        (ref.utf8.count == 40 || ref.utf8.count == 64) && ref.utf8.allSatisfy(\.isHexDigit)
    }

    /// 4 to 39 hexadecimal digits: probably an abbreviated commit sha.
    static func looksLikeShortSHA(_ ref: String) -> Bool {
        (4..<40).contains(ref.utf8.count) && ref.utf8.allSatisfy(\.isHexDigit)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (97...102).contains(self) || (65...70).contains(self)
    }
}
