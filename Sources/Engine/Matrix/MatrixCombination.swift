import Expressions

/// One job configuration produced by a matrix: the value of the `matrix` context for that job.
///
/// `values` holds the vector values in the order the vectors were declared, followed by the keys
/// that `include` entries added. `nameSegments` are the parts GitHub shows in the default job
/// name (see `MatrixExpander.displayName(jobName:combination:)`): for a combination of the cross
/// product they come from the original vector values only (keys added by `include` are not
/// shown); for a combination created by an unmatched `include` entry they come from all its values.
public struct MatrixCombination: Sendable, Hashable {
    /// The `matrix` context of this job.
    public var values: ObjectValue
    /// The display-name segments, in order (already rendered as text).
    public var nameSegments: [String]

    /// Creates a combination; when `nameSegments` is nil they are derived from all of `values`.
    public init(values: ObjectValue, nameSegments: [String]? = nil) {
        self.values = values
        self.nameSegments = nameSegments ?? MatrixNameRenderer.segments(of: values)
    }

    /// The `matrix` context as a `Value`.
    public var value: Value { .object(values) }

    /// Looks a matrix key up (case-insensitively).
    public subscript(key: String) -> Value? { values[key] }
}
