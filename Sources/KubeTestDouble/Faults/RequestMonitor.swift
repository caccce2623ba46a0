import Kube
import Synchronization

/// What the double counts and injects per request, readable at any time without awaiting.
final class RequestMonitor: Sendable {
    struct State {
        var counts: [String: Int] = [:]
        var total = 0
        var faults: [KubeDoubleFault] = []
        var authorizations: [String] = []
        var requiredToken: String?
    }

    let state: Mutex<State>

    init(requiredToken: String?) {
        state = Mutex(State(requiredToken: requiredToken))
    }

    func count(verb: KubeVerb, resource: String) {
        state.withLock { state in
            state.total += 1
            state.counts["\(verb.rawValue) \(resource)", default: 0] += 1
        }
    }

    func count(verb: KubeVerb?, resource: String?) -> Int {
        state.withLock { state in
            guard verb != nil || resource != nil else { return state.total }
            return state.counts.filter { key, _ in
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                return (verb.map { $0.rawValue == parts[0] } ?? true) && (resource.map { $0 == parts[1] } ?? true)
            }.values.reduce(0, +)
        }
    }

    func recordAuthorization(_ header: String?) {
        state.withLock { state in
            state.authorizations.append(header ?? "")
            if state.authorizations.count > 10_000 { state.authorizations.removeFirst(5_000) }
        }
    }

    /// The first matching fault, used up by one.
    func takeFault(method: String, path: String, isWatch: Bool) -> KubeDoubleFault? {
        state.withLock { state in
            guard let index = state.faults.firstIndex(where: { $0.matches(method: method, path: path, isWatch: isWatch) }) else { return nil }
            state.faults[index].remaining -= 1
            let fault = state.faults[index]
            if fault.remaining <= 0 { state.faults.remove(at: index) }
            return fault
        }
    }
}
