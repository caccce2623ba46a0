import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird server in a service group of its own (the cache and artifact servers): bound
/// before `start` returns, with `::` falling back to `0.0.0.0` where IPv6 is off, and stopped
/// gracefully — listener first, then connections; cancelling the task instead can race a
/// connection being accepted and trip a NIO precondition.
package struct HTTPListener: Sendable {
    package let task: Task<Void, any Error>
    package let group: ServiceGroup
    package let port: Int
    /// The address that was bound (`::` or, as the fallback, `0.0.0.0`).
    package let host: String

    package struct BindFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Binds `host` (brackets allowed) and `port` (0: any); `label` names the server in
    /// messages. Hummingbird's own messages stay out unless `logger` is at debug level.
    package static func start<Responder: HTTPResponder>(
        responder: Responder, host: String, port: Int, idleTimeout: Duration, serverName: String, label: String, logger: Logger
    ) async throws(BindFailure) -> HTTPListener where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let bindHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var attempts = [bindHost]
        if bindHost == "::" { attempts.append("0.0.0.0") }
        var lastError: any Error = BindFailure(description: "nothing to bind")
        for candidate in attempts {
            do {
                return try await listen(responder: responder, host: candidate, port: port, idleTimeout: idleTimeout,
                                        serverName: serverName, logger: logger)
            } catch {
                lastError = error
                logger.debug("\(label): cannot listen on \(candidate):\(port): \(error)")
            }
        }
        throw BindFailure(description: "cannot listen on \(host):\(port): \(lastError)")
    }

    private static func listen<Responder: HTTPResponder>(
        responder: Responder, host: String, port: Int, idleTimeout: Duration, serverName: String, logger: Logger
    ) async throws -> HTTPListener where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let signal = BindSignal()
        var hummingbirdLogger = logger
        hummingbirdLogger.logLevel = logger.logLevel <= .debug ? logger.logLevel : .critical
        let idle = idleTimeout.components
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName, reuseAddress: true),
            onServerRunning: { channel in signal.succeed(channel.localAddress?.port ?? port) },
            logger: hummingbirdLogger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [application], gracefulShutdownSignals: [], logger: hummingbirdLogger))
        let task = Task {
            do {
                try await group.run()
                signal.fail(BindFailure(description: "the server stopped before it started"))
            } catch {
                signal.fail(error)
                throw error
            }
        }
        do {
            return HTTPListener(task: task, group: group, port: try await signal.wait(), host: host)
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    /// Stops listening, lets requests in progress finish for up to `grace`, then cuts them off.
    package func stop(grace: Duration) async {
        await group.triggerGracefulShutdown()
        let server = task
        let deadline = Task {
            try? await Task.sleep(for: grace)
            if !Task.isCancelled { server.cancel() }
        }
        _ = await server.result
        deadline.cancel()
    }
}
