import Expressions

/// An `include` or `exclude` item turned into leaf comparisons, as GitHub's parser does.
///
/// Nested mappings and sequences are walked down to their scalars, and each scalar becomes the
/// comparison `matrix.<path> == <scalar>` under the expression language's loose equality
/// (strings compare case-insensitively; mixed types compare as numbers). A filter with no
/// leaves matches every combination.
struct MatrixFilter: Sendable {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    struct Leaf: Sendable {
        var path: [Step]
        var expected: Value
    }

    private(set) var leaves: [Leaf] = []

    /// Builds the comparisons for the given top-level pairs.
    init(_ pairs: [(key: String, value: Value)]) {
        for pair in pairs { add(pair.value, at: [.key(pair.key)]) }
    }

    private mutating func add(_ value: Value, at path: [Step]) {
        switch value {
        case .object(let object):
            for entry in object.entries { add(entry.value, at: path + [.key(entry.key)]) }
        case .array(let items):
            for (position, item) in items.enumerated() { add(item, at: path + [.index(position)]) }
        case .null, .bool, .number, .string:
            leaves.append(Leaf(path: path, expected: value))
        }
    }

    /// Whether every comparison holds for `combination`.
    func matches(_ combination: ObjectValue) -> Bool {
        for leaf in leaves {
            let actual = Self.lookUp(leaf.path, in: combination)
            if !LooseEquality.equals(actual, leaf.expected) { return false }
        }
        return true
    }

    private static func lookUp(_ path: [Step], in combination: ObjectValue) -> Value {
        var current = Value.object(combination)
        for step in path {
            switch (step, current) {
            case (.key(let key), .object(let object)):
                current = object[key] ?? .null
            case (.index(let position), .array(let items)):
                current = position < items.count ? items[position] : .null
            default:
                return .null
            }
        }
        return current
    }
}
