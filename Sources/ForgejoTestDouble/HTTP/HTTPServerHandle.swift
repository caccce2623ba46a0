import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import NIOCore
import Synchronization

/// A running Hummingbird server: the task that runs it and the address it bound.
struct HTTPServerHandle: Sendable {
    let task: Task<Void, any Error>
    let address: BoundAddress
    /// Stops the server gracefully: the listener closes first, then connections drain. (Cancelling
    /// the task instead can race a connection being accepted and trip a NIO precondition.)
    let group: ServiceGroup

    /// Binds `host:port` (port 0 = ephemeral) and returns once the server accepts connections.
    static func start(host: String, port: Int, responder: DoubleResponder) async throws -> HTTPServerHandle {
        let signal = StartupSignal()
        var logger = Logger(label: "forgejo-double")
        logger.logLevel = .critical
        let bindHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(bindHost, port: port), reuseAddress: true),
            onServerRunning: { channel in signal.succeed(channel.localAddress?.port ?? port) },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                signal.fail(DoubleError(.server, "the server stopped before it started"))
            } catch {
                signal.fail(error)
                throw error
            }
        }
        do {
            let bound = try await signal.wait()
            return HTTPServerHandle(task: task, address: BoundAddress(host: host, port: bound), group: group)
        } catch {
            task.cancel()
            throw DoubleError(.server, "cannot listen on \(host):\(port): \(error)")
        }
    }

    /// Stops accepting, closes every connection and waits for the server task to end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// A one-shot rendezvous between `onServerRunning` (or a failure) and `start`.
final class StartupSignal: Sendable {
    private enum Phase {
        case pending
        case waiting(CheckedContinuation<Int, any Error>)
        case done(Result<Int, any Error>)
        case consumed
    }

    private let phase = Mutex(Phase.pending)

    func succeed(_ port: Int) { complete(.success(port)) }

    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Int, any Error>) {
        let continuation: CheckedContinuation<Int, any Error>? = phase.withLock { phase in
            switch phase {
            case .pending:
                phase = .done(result)
                return nil
            case .waiting(let continuation):
                phase = .consumed
                return continuation
            case .done, .consumed:
                return nil
            }
        }
        continuation?.resume(with: result)
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = phase.withLock { phase in
                if case .done(let result) = phase {
                    phase = .consumed
                    return result
                }
                phase = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
