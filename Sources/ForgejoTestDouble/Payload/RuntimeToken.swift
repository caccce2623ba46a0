import Foundation

/// A stand-in for Forgejo's actions runtime token: JWT-shaped (`header.claims.signature`, base64url)
/// with the claims Forgejo puts in (`TaskID`, `RunID`, `JobID`, `scp`, `exp`), but the signature is
/// random bytes: nothing verifies it, because the double serves no artifact or cache API.
enum RuntimeToken {
    static func make(taskID: Int64, runID: Int64, jobID: Int64, now: Date) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let expiry = Int64(now.timeIntervalSince1970) + 24 * 3600
        let claims = #"{"exp":\#(expiry),"nbf":\#(Int64(now.timeIntervalSince1970)),"TaskID":\#(taskID),"RunID":\#(runID),"JobID":\#(jobID),"scp":"Actions.Results:\#(runID):\#(jobID)","ac":"[]"}"#
        let signature = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        return [Data(header.utf8), Data(claims.utf8), signature].map(base64URL).joined(separator: ".")
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
