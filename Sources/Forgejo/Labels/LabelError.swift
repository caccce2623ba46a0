/// A runner label that cannot be parsed.
public struct LabelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The label as written.
    public var label: String
    /// What is wrong with it.
    public var problem: String

    /// Creates an error value.
    public init(label: String, problem: String) {
        self.label = label
        self.problem = problem
    }

    /// `invalid label "x:foo": unsupported scheme "foo" (use docker, host or lxc)`.
    public var description: String {
        "invalid label \"\(label)\": \(problem)"
    }
}
