import Foundation

/// A Connect error answered by a handler.
struct RPCError: Error, Sendable, Equatable {
    var code: ConnectCode
    var message: String

    init(_ code: ConnectCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// What Gitea sends for the same failure: its handlers return gRPC status errors, which
    /// connect-go wraps as `unknown` (§7).
    var giteaStyle: RPCError {
        RPCError(.unknown, "rpc error: code = \(code.grpcName) desc = \(message)")
    }

    /// The Connect error body `{"code":…,"message":…}`.
    var jsonBody: Data {
        let object: [String: String] = ["code": code.rawValue, "message": message]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static let unregisteredRunner = RPCError(.unauthenticated, "unregistered runner")
}
