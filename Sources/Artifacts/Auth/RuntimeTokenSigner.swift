import Cache
import Foundation

/// Issues and checks `ACTIONS_RUNTIME_TOKEN`s: HS256 JWTs whose `scp` claim is
/// `Actions.Results:<run id>:<job id>`, as Forgejo issues them. `@actions/artifact` 2.x reads the
/// run and job backend ids from that claim (without checking the signature); the server checks
/// the signature and expiry and grants access to that run's artifacts only.
struct RuntimeTokenSigner: Sendable {
    private let key: [UInt8]

    init(key: [UInt8]) {
        self.key = key
    }

    /// What a valid token grants.
    struct Grant: Sendable, Equatable {
        let runID: String
        let jobID: String
    }

    func issue(runID: String, jobID: String, lifetime: Duration, now: Date = Date()) -> String {
        let issued = Int64(now.timeIntervalSince1970)
        let claims = Claims(scp: "Actions.Results:\(runID):\(jobID)", iat: issued, nbf: issued,
                            exp: issued + lifetime.components.seconds, iss: "hearth")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(Array((try? encoder.encode(claims)) ?? Data()))
        let signed = header + "." + payload
        return signed + "." + Base64URL.encode(SHA256.hmac(key: key, message: Array(signed.utf8)))
    }

    /// The grant of `token`, or nil when it is malformed, forged or expired.
    func validate(_ token: Substring, now: Date = Date()) -> Grant? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let mac = Base64URL.decode(parts[2]), mac.count == 32 else { return nil }
        let expected = SHA256.hmac(key: key, message: Array("\(parts[0]).\(parts[1])".utf8))
        guard zip(mac, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0,
              let headerBytes = Base64URL.decode(parts[0]),
              let header = try? JSONDecoder().decode([String: String].self, from: Data(headerBytes)),
              header["alg"] == "HS256",
              let payload = Base64URL.decode(parts[1]),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)),
              claims.exp > Int64(now.timeIntervalSince1970) else { return nil }
        let scope = claims.scp.split(separator: " ").first { $0.hasPrefix("Actions.Results:") }
        let fields = scope?.split(separator: ":", omittingEmptySubsequences: false) ?? []
        guard fields.count == 3, !fields[1].isEmpty else { return nil }
        return Grant(runID: String(fields[1]), jobID: String(fields[2]))
    }

    private struct Claims: Codable {
        let scp: String
        let iat: Int64
        let nbf: Int64
        let exp: Int64
        let iss: String
    }
}
