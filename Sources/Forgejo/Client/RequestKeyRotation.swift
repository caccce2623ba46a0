import Foundation

/// The `x-runner-request-key` rule for FetchTask / FetchSingleTask (Forgejo ≥ 15): keep the same
/// key after any failure, so a reply lost in transit can be recovered by retrying; take a new key
/// after every successful reply (with or without a task), because reusing it would hand back the
/// same tasks again.
public struct RequestKeyRotation: Sendable {
    /// The key to send with the next fetch.
    public private(set) var current: String
    private let generate: @Sendable () -> String

    /// Starts with a fresh key. `generate` makes keys (default: a lower-case random UUID).
    public init(generate: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.generate = generate
        self.current = generate()
    }

    /// Call after a successful reply: the next fetch uses a new key.
    public mutating func succeeded() {
        current = generate()
    }

    /// Call after a failed fetch: the key stays (nothing to do; here for readability).
    public mutating func failed() {}

    /// Runs `fetch` with the current key and applies the rule to its outcome.
    public mutating func perform<T>(_ fetch: (String) async throws -> T) async rethrows -> T {
        let result = try await fetch(current)
        succeeded()
        return result
    }
}
