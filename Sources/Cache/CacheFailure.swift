import Hummingbird

/// A request that cannot be served: the HTTP status and a message for the JSON error body.
struct CacheFailure: Error, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { "\(status.code) \(message)" }

    static func badRequest(_ message: String) -> CacheFailure { CacheFailure(.badRequest, message) }
    static func notFound(_ message: String) -> CacheFailure { CacheFailure(.notFound, message) }
    static func conflict(_ message: String) -> CacheFailure { CacheFailure(.conflict, message) }
    static func internalError(_ message: String) -> CacheFailure { CacheFailure(.internalServerError, message) }
}
