/// Pending injected faults, consumed first in, first out by the calls they match.
struct FaultQueue: Sendable {
    private struct Entry: Sendable {
        var method: String
        var kind: FaultKind
        var remaining: Int
    }

    private var entries: [Entry] = []

    /// Adds `count` faults for `method` (`FetchTask`, `UpdateLog`, …, or `*` for any call).
    mutating func add(_ count: Int, method: String, kind: FaultKind) {
        guard count > 0 else { return }
        entries.append(Entry(method: method, kind: kind, remaining: count))
    }

    /// The fault for the next call of `method`, if one is pending.
    mutating func take(method: String) -> FaultKind? {
        guard let index = entries.firstIndex(where: { $0.method == method || $0.method == "*" }) else { return nil }
        let kind = entries[index].kind
        entries[index].remaining -= 1
        if entries[index].remaining <= 0 { entries.remove(at: index) }
        return kind
    }

    mutating func removeAll() {
        entries.removeAll()
    }

    var isEmpty: Bool { entries.isEmpty }
}
