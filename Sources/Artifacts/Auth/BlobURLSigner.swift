import Cache
import Foundation

/// Signs the blob URLs of the v4 protocol (what `CreateArtifact` and `GetSignedArtifactURL`
/// return): the query carries `expires` (unix seconds) and `sig`, the hex HMAC-SHA256 of the
/// purpose, run, artifact id and expiry under the server key. Hex survives the Azure SDK, which
/// re-encodes the query when it appends `comp` and `blockid`.
struct BlobURLSigner: Sendable {
    private let key: [UInt8]

    init(key: [UInt8]) {
        self.key = key
    }

    /// What a blob URL is for.
    enum Purpose: String, Sendable {
        case upload = "UploadArtifact"
        case download = "DownloadArtifact"
    }

    /// Why a signed URL was refused.
    enum Rejection: Error, Equatable {
        case forged
        case expired
    }

    /// Signed URLs stay valid this long, as Forgejo's.
    static let lifetime: Duration = .seconds(3600)

    /// `<base>_apis/artifacts/v4/<purpose>/<run>/<artifact id>?expires=…&sig=…`.
    func url(base: String, purpose: Purpose, runID: String, artifactID: Int64, expires: Int64) -> String {
        let signature = sign(purpose: purpose, runID: runID, artifactID: artifactID, expires: expires)
        return base + "_apis/artifacts/v4/\(purpose.rawValue)/\(runID)/\(artifactID)?expires=\(expires)&sig=\(signature)"
    }

    func url(base: String, purpose: Purpose, runID: String, artifactID: Int64, now: Date = Date()) -> String {
        url(base: base, purpose: purpose, runID: runID, artifactID: artifactID,
            expires: Int64(now.timeIntervalSince1970) + Self.lifetime.components.seconds)
    }

    func sign(purpose: Purpose, runID: String, artifactID: Int64, expires: Int64) -> String {
        let message = "\(purpose.rawValue)\n\(runID)\n\(artifactID)\n\(expires)"
        return SHA256.hmac(key: key, message: Array(message.utf8)).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// Checks the `expires` and `sig` query values of a request for `purpose`.
    func verify(purpose: Purpose, runID: String, artifactID: Int64, expires: String?, signature: String?,
                now: Date = Date()) throws(Rejection) {
        guard let expires, let seconds = Int64(expires), let signature else { throw .forged }
        let expected = Array(sign(purpose: purpose, runID: runID, artifactID: artifactID, expires: seconds).utf8)
        let given = Array(signature.lowercased().utf8)
        guard given.count == expected.count,
              zip(given, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { throw .forged }
        guard seconds > Int64(now.timeIntervalSince1970) else { throw .expired }
    }
}
