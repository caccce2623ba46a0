/// `runs-on:` in any of its forms: a label, a list of labels, or `group:` / `labels:`.
public struct RunsOn: Sendable, Hashable {
    /// The labels, each a template (e.g. `ubuntu-latest`, `${{ matrix.os }}`). When the whole
    /// `runs-on` value is one expression, this holds that single template and `isExpression` is true:
    /// it may evaluate to a string, a list, or a `{group, labels}` object.
    public var labels: [String]
    /// `group:` (a template), if given.
    public var group: String?
    /// True when `runs-on` as a whole was a `${{ }}` expression.
    public var isExpression: Bool

    public init(labels: [String], group: String? = nil, isExpression: Bool = false) {
        self.labels = labels
        self.group = group
        self.isExpression = isExpression
    }
}
