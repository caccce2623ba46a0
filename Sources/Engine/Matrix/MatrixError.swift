/// Why a `strategy.matrix` could not be expanded.
///
/// The messages follow the wording of GitHub's workflow parser where it has one, so users who
/// search for them find GitHub's documentation. The runner is expected to prefix them with the
/// job, e.g. `Error when evaluating 'strategy' for job 'build'. <message>`.
public enum MatrixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The matrix is not a mapping.
    case matrixNotAMapping(found: String)
    /// A vector (a key other than `include`/`exclude`) is not a sequence.
    case vectorNotASequence(name: String, found: String)
    /// A vector is an empty sequence.
    case emptyVector(name: String)
    /// `include` or `exclude` is not a sequence.
    case filterListNotASequence(key: String, found: String)
    /// An item of `include` or `exclude` is not a mapping.
    case filterItemNotAMapping(key: String, index: Int, found: String)
    /// An item of `include` has no keys.
    case emptyInclude(index: Int)
    /// An item of `exclude` has no keys.
    case emptyExclude(index: Int)
    /// An `exclude` item names a key that is not one of the matrix vectors.
    case unknownExcludeKey(key: String, index: Int)
    /// The matrix has neither vectors nor `include` entries (e.g. only `exclude`, or `include: []`).
    case noVectors
    /// The cross product is so large it cannot be enumerated.
    case crossProductTooLarge
    /// More than `MatrixExpander.maximumCombinations` combinations were produced.
    case tooManyCombinations(limit: Int)

    public var description: String {
        switch self {
        case .matrixNotAMapping(let found):
            "The matrix must be a mapping of vectors, but it is \(found)."
        case .vectorNotASequence(let name, let found):
            "Matrix vector '\(name)' must be a sequence of values, but it is \(found)."
        case .emptyVector(let name):
            "Matrix vector '\(name)' does not contain any values"
        case .filterListNotASequence(let key, let found):
            "Matrix '\(key)' must be a sequence of mappings, but it is \(found)."
        case .filterItemNotAMapping(let key, let index, let found):
            "Matrix '\(key)' item \(index + 1) must be a mapping, but it is \(found)."
        case .emptyInclude(let index):
            "Matrix include mapping does not contain any values (item \(index + 1))"
        case .emptyExclude(let index):
            "Matrix exclude filter must not be empty (item \(index + 1))"
        case .unknownExcludeKey(let key, let index):
            "Matrix exclude key '\(key)' does not match any key within the matrix (item \(index + 1))"
        case .noVectors:
            "Matrix must define at least one vector"
        case .crossProductTooLarge:
            "The matrix cross product is too large; a strategy can produce at most \(MatrixExpander.maximumCombinations) jobs."
        case .tooManyCombinations(let limit):
            "Strategy expansion exceeded \(limit) results"
        }
    }
}
