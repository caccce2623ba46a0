/// The RPCs of the runner API, by their path under `/api/actions/`.
enum Procedure: String, Sendable, CaseIterable {
    case ping = "ping.v1.PingService/Ping"
    case register = "runner.v1.RunnerService/Register"
    case declare = "runner.v1.RunnerService/Declare"
    case fetchTask = "runner.v1.RunnerService/FetchTask"
    case fetchSingleTask = "runner.v1.RunnerService/FetchSingleTask"
    case updateTask = "runner.v1.RunnerService/UpdateTask"
    case updateLog = "runner.v1.RunnerService/UpdateLog"

    /// The method name (`FetchTask`), as `failNext(_:method:with:)` takes it.
    var method: String { String(rawValue.split(separator: "/").last ?? "") }

    /// True for calls the auth interceptor guards (all RunnerService calls except Register).
    var needsAuthentication: Bool { self != .ping && self != .register }

    /// True for calls that also set `last_active`.
    var marksActive: Bool { self == .updateTask || self == .updateLog }

    /// The Forgejo runner service compresses large replies; the ping service does not.
    var compressesResponses: Bool { self != .ping }
}
