/// How requests are retried: 429 and 5xx responses and connection failures, with exponential
/// backoff and jitter, honouring `Retry-After`, at most `maxAttempts` tries in all. Other 4xx
/// responses are never retried.
public struct KubeRetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included (1 = no retry).
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var multiplier: Double
    /// The fraction of each delay that is randomised (0 = none, 1 = anywhere from 0 to the delay).
    public var jitter: Double
    /// The longest `Retry-After` honoured; longer requests are capped to this.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(10),
                multiplier: Double = 2, jitter: Double = 0.5, maxRetryAfter: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
    }

    /// Five tries, 200 ms doubling to at most 10 s, half of each delay jittered.
    public static let standard = KubeRetryPolicy()
    /// One try.
    public static let none = KubeRetryPolicy(maxAttempts: 1)

    /// Whether a response with this status is worth another try.
    public static func isRetryable(statusCode: Int) -> Bool {
        statusCode == 429 || (500...599).contains(statusCode) && statusCode != 501
    }

    /// The wait before try `attempt + 1` (attempt counts from 1), given the server's `Retry-After`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        var base = initialBackoff
        for _ in 1..<max(1, attempt) {
            base = base * multiplier
            if base >= maxBackoff { base = maxBackoff; break }
        }
        base = min(base, maxBackoff)
        return base * (1 - jitter * Double.random(in: 0...1))
    }
}
