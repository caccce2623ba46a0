/// Replaces secrets (the token, its encoded header value, credentials from a URL) with `***` and
/// removes `user:password@` from URLs in text shown to the user.
struct CredentialMask: Sendable {
    private let secrets: [String]

    init(_ secrets: [String]) {
        var unique = Array(Set(secrets.filter { !$0.isEmpty }))
        unique.sort { $0.count > $1.count }  // longest first, so a secret inside another is covered
        self.secrets = unique
    }

    func apply(_ text: String) -> String {
        var result = ActionURL.removingCredentials(from: text)
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}
