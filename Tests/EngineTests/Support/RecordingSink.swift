import Engine
import Synchronization

/// Collects run events; optionally reacts to each one (e.g. to cancel once a step has started).
final class RecordingSink: EventSink {
    private let events = Mutex<[RunEvent]>([])
    private let reaction: (@Sendable (RunEvent) -> Void)?

    init(reaction: (@Sendable (RunEvent) -> Void)? = nil) {
        self.reaction = reaction
    }

    func receive(_ event: RunEvent) {
        events.withLock { $0.append(event) }
        reaction?(event)
    }

    var all: [RunEvent] { events.withLock { $0 } }
}
