import Expressions

/// `concurrency:` of a workflow or job.
public struct Concurrency: Sendable {
    /// The group (a template). Nil only when `expression` is set.
    public var group: String?
    /// `cancel-in-progress:`: `.bool` or `.string(expression)`.
    public var cancelInProgress: Value?
    /// `queue:` (`single` or `max`).
    public var queue: String?
    /// When the whole value is one `${{ }}` expression (it may evaluate to a group string or an
    /// object), its template.
    public var expression: String?

    public init(group: String? = nil, cancelInProgress: Value? = nil, queue: String? = nil, expression: String? = nil) {
        self.group = group
        self.cancelInProgress = cancelInProgress
        self.queue = queue
        self.expression = expression
    }
}
