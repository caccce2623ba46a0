import Backends
import Dispatch
import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM while a run is in progress: the first one calls `onSignal` (which
/// cancels the run gracefully), a second one exits at once.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]
    private let count = SignalCount()

    init(onSignal: @escaping @Sendable (Int32) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        let queue = DispatchQueue(label: "hearth.signals")
        let counter = count
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                let seen = counter.record(signalNumber)
                if seen == 1 {
                    onSignal(signalNumber)
                } else {
                    ChildProcess.killAll()
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// The last signal received, or 0.
    var lastSignal: Int32 { count.last }

    func disarm() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// How many signals arrived, and the last one.
private final class SignalCount: Sendable {
    private let state = Mutex<(count: Int, last: Int32)>((0, 0))

    func record(_ signal: Int32) -> Int {
        state.withLock { state in
            state.count += 1
            state.last = signal
            return state.count
        }
    }

    var last: Int32 { state.withLock { $0.last } }
}
