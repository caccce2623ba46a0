import Foundation

/// Issues and checks the per-job cache tokens: `<payload>.<mac>`, both unpadded base64url, where
/// the payload names the repository, the optional write-isolation ref and an expiry, and the mac
/// is HMAC-SHA256 under the server secret. Tokens are URL-path safe, so they can be the first
/// path segment of `ACTIONS_CACHE_URL`. Anyone holding the secret can mint tokens, so a separate
/// process (a daemon in front of a standalone `cache-server`) can issue them too.
public struct CacheTokenSigner: Sendable {
    private let key: [UInt8]

    /// A signer keyed by `secret` (any non-empty string; a long random one).
    public init(secret: String) {
        key = Array(secret.utf8)
    }

    /// A token for one job of `repository` (`owner/name`), valid for `lifetime`.
    /// - Parameter ref: the write-isolation ref (pass it for untrusted events such as pull
    ///   requests; nil for trusted events whose saves every job of the repository may restore).
    public func issue(repository: String, ref: String?, lifetime: Duration = .seconds(24 * 3600), now: Date = Date()) -> String {
        let expires = Int64(now.timeIntervalSince1970) + lifetime.components.seconds
        let claims = Claims(repository: repository, ref: (ref?.isEmpty ?? true) ? nil : ref, expires: expires)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = Base64URL.encode(Array((try? encoder.encode(claims)) ?? Data()))
        let mac = SHA256.hmac(key: key, message: Array(payload.utf8))
        return payload + "." + Base64URL.encode(mac)
    }

    /// The scope a token grants, or nil when it is malformed, forged, or expired.
    func validate(_ token: Substring, now: Date = Date()) -> CacheScope? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(parts[1]), mac.count == 32 else { return nil }
        let expected = SHA256.hmac(key: key, message: Array(parts[0].utf8))
        // Constant-time comparison: the difference is accumulated over every byte.
        guard zip(mac, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0,
              let payload = Base64URL.decode(parts[0]),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)),
              !claims.repository.isEmpty,
              claims.expires > Int64(now.timeIntervalSince1970) else { return nil }
        return CacheScope(repository: claims.repository, ref: claims.ref)
    }

    private struct Claims: Codable {
        let repository: String
        let ref: String?
        let expires: Int64

        enum CodingKeys: String, CodingKey {
            case repository = "repo"
            case ref
            case expires = "exp"
        }
    }
}
