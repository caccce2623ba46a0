import Hummingbird

/// A request the server refuses: the HTTP status, a message for the job's log, and the Twirp
/// error code the v4 endpoints send along.
struct ArtifactFailure: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> Self { Self(.badRequest, message) }
    static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    static func conflict(_ message: String) -> Self { Self(.conflict, message) }
    static func unauthorized(_ message: String) -> Self { Self(.unauthorized, message) }
    static func forbidden(_ message: String) -> Self { Self(.forbidden, message) }
    static func internalError(_ message: String) -> Self { Self(.internalServerError, message) }

    /// The Twirp error code for ``status`` (twitchtv/twirp's HTTP mapping).
    var twirpCode: String {
        switch status.code {
        case 400: "invalid_argument"
        case 401: "unauthenticated"
        case 403: "permission_denied"
        case 404: "not_found"
        case 405: "bad_route"
        case 409: "already_exists"
        case 412: "failed_precondition"
        case 413: "resource_exhausted"
        default: "internal"
        }
    }
}
