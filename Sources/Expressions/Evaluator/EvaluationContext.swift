/// The results `success()`, `failure()` and `cancelled()` report; `always()` is always true.
public struct StatusFunctions: Sendable {
    public var success: Bool
    public var failure: Bool
    public var cancelled: Bool

    public init(success: Bool = true, failure: Bool = false, cancelled: Bool = false) {
        self.success = success
        self.failure = failure
        self.cancelled = cancelled
    }
}

/// Everything an expression can see while it is evaluated: the named contexts, the job status
/// and the `hashFiles` implementation.
public struct EvaluationContext: Sendable {
    /// Top-level contexts (github, env, vars, secrets, inputs, matrix, strategy, needs, steps, ...).
    public var contexts: ObjectValue
    public var status: StatusFunctions
    /// Computes `hashFiles(patterns...)`; nil makes calling `hashFiles` an evaluation error.
    public var hashFiles: (@Sendable ([String]) throws -> String)?

    public init(
        contexts: ObjectValue = ObjectValue(),
        status: StatusFunctions = StatusFunctions(),
        hashFiles: (@Sendable ([String]) throws -> String)? = nil
    ) {
        self.contexts = contexts
        self.status = status
        self.hashFiles = hashFiles
    }
}
