import Foundation

/// Kubernetes' name and label rules, and the slugs Hearth derives from free text.
enum KubeNames {
    /// A DNS-1123 label: lowercase alphanumerics and `-`, starting and ending alphanumeric, ≤ 63.
    static func isDNSLabel(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 63 else { return false }
        let bytes = Array(text.utf8)
        func alnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2d }
    }

    /// A DNS-1123 subdomain: dot-separated labels, ≤ 253 characters.
    static func isDNSSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    /// Lowercase, every run of other characters as one `-`, no `-` at either end, at most
    /// `limit` characters (cut at a `-` boundary when possible).
    static func slug(_ text: String, limit: Int) -> String {
        var result = ""
        var pendingDash = false
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingDash && !result.isEmpty { result.append("-") }
                pendingDash = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        if result.count > limit { result = String(result.prefix(limit)) }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }

    /// `base` itself, or `base` with `-2`, `-3`… (shortened to stay within 63 characters) when
    /// `taken` already holds it. Inserts the result into `taken`.
    static func unique(_ base: String, in taken: inout Set<String>) -> String {
        if taken.insert(base).inserted { return base }
        var counter = 2
        while true {
            let suffix = "-\(counter)"
            var stem = String(base.prefix(63 - suffix.count))
            while stem.hasSuffix("-") { stem.removeLast() }
            let candidate = stem + suffix
            if taken.insert(candidate).inserted { return candidate }
            counter += 1
        }
    }

    /// A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters of
    /// alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
    static func isQualifiedName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isLabelName(String(parts[0]))
        case 2: return isDNSSubdomain(String(parts[0])) && isLabelName(String(parts[1]))
        default: return false
        }
    }

    private static func isLabelName(_ text: String) -> Bool {
        !text.isEmpty && isLabelValue(text)
    }

    /// A label value: empty, or ≤ 63 characters of alphanumerics, `-`, `_`, `.`, starting and
    /// ending alphanumeric.
    static func isLabelValue(_ text: String) -> Bool {
        if text.isEmpty { return true }
        guard text.utf8.count <= 63 else { return false }
        let bytes = Array(text.utf8)
        func alnum(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
        }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }
    }

    /// An environment variable name every supported Kubernetes version accepts
    /// (`[-._a-zA-Z][-._a-zA-Z0-9]*`); also a valid Secret key.
    static func isEnvName(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        func letter(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte == 0x2d || byte == 0x2e || byte == 0x5f
        }
        guard letter(first) else { return false }
        return text.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
