import Synchronization

/// A one-shot rendezvous between Hummingbird's `onServerRunning` (or the server failing first)
/// and the code waiting for the bound port (the cache and artifact servers, the agent channel,
/// the Kubernetes API double).
package final class BindSignal: Sendable {
    private enum Phase {
        case pending
        case waiting(CheckedContinuation<Int, any Error>)
        case done(Result<Int, any Error>)
        case consumed
    }

    private let phase = Mutex(Phase.pending)

    package init() {}

    package func succeed(_ port: Int) { complete(.success(port)) }

    package func fail(_ error: any Error) { complete(.failure(error)) }

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

    package func wait() async throws -> Int {
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
