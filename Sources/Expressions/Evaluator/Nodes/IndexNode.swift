/// `base.name`, `base[key]`, `base.*` and `base[*]`.
///
/// Follows GitHub's rules: object keys match case-insensitively; array indexes are numbers
/// (coerced, floored, negative or non-numeric → no match); a miss yields `null`. `*` turns an
/// object's values or an array's elements into a *filtered array*, and any index applied to a
/// filtered array applies to each element, keeping only the hits (so `a.*.b` collects every
/// element's `b`).
final class IndexNode: Node, @unchecked Sendable {
    enum Key: Sendable {
        case wildcard
        /// A key known at parse time (`.name`, `['name']`, `[0]`), pre-folded and pre-coerced.
        case constant(ConstantKey)
        case dynamic(Node)
    }

    /// A constant key in both forms an index may need.
    struct ConstantKey: Sendable {
        /// The string form, folded for object lookup; nil for non-primitive keys.
        let foldedString: String?
        /// The array index, or nil when the key is not a usable index.
        let integer: Int?

        init(_ key: Value) {
            foldedString = IndexNode.stringKey(key)
            integer = IndexNode.arrayIndex(key.coercedNumber)
        }
    }

    let base: Node
    let key: Key

    init(base: Node, key: Key) {
        self.base = base
        self.key = key
        let keyHeight: Int
        var keyTracksMemory = false
        var isWildcard = false
        switch key {
        case .wildcard:
            keyHeight = 1
            isWildcard = true
        case .constant: keyHeight = 1
        case .dynamic(let node):
            keyHeight = node.height
            keyTracksMemory = node.tracksMemory
        }
        super.init(
            height: max(base.height, keyHeight) + 1,
            mayBeFiltered: isWildcard || base.mayBeFiltered,
            tracksMemory: base.tracksMemory || keyTracksMemory)
    }

    override func evaluate(_ state: inout EvaluationState) throws(ExpressionError) -> Value {
        if mayBeFiltered { return try evaluateFiltered(&state).value }
        let mark = state.memory
        let container = try base.evaluate(&state)
        let result: Value
        // Fast path: property access on a plain object.
        if case .constant(let constant) = key, case .object(let object) = container {
            result = constant.foldedString.flatMap { object.value(foldedKey: $0) } ?? .null
        } else {
            result = try apply(to: container, filtered: false, &state)
        }
        if tracksMemory { state.settle(mark: mark, result: result) }
        return result
    }

    override func evaluateFiltered(_ state: inout EvaluationState) throws(ExpressionError) -> (value: Value, filtered: Bool) {
        let mark = state.memory
        let (container, baseFiltered) = base.mayBeFiltered
            ? try base.evaluateFiltered(&state) : (try base.evaluate(&state), false)
        let result = try apply(to: container, filtered: baseFiltered, &state)
        if tracksMemory { state.settle(mark: mark, result: result) }
        if case .wildcard = key { return (result, true) }
        return (result, baseFiltered)
    }

    override var usesStatusFunction: Bool {
        if case .dynamic(let node) = key, node.usesStatusFunction { return true }
        return base.usesStatusFunction
    }

    // MARK: - Semantics

    private func apply(to container: Value, filtered: Bool, _ state: inout EvaluationState) throws(ExpressionError) -> Value {
        switch container {
        case .object(let object):
            switch key {
            case .wildcard: return .array(object.values)
            case .constant(let constant):
                return constant.foldedString.flatMap { object.value(foldedKey: $0) } ?? .null
            case .dynamic(let node):
                guard let name = Self.stringKey(try node.evaluate(&state)) else { return .null }
                return object.value(foldedKey: name) ?? .null
            }
        case .array(let elements):
            if filtered { return .array(try applyElementwise(elements, &state)) }
            switch key {
            case .wildcard: return container
            case .constant(let constant):
                guard let index = constant.integer, index < elements.count else { return .null }
                return elements[index]
            case .dynamic(let node):
                guard let index = Self.arrayIndex(try node.evaluate(&state).coercedNumber), index < elements.count else {
                    return .null
                }
                return elements[index]
            }
        default:
            if case .wildcard = key { return .array([]) }
            return .null
        }
    }

    /// Applies the key to each element of a filtered array, flattening `*` one level.
    private func applyElementwise(_ elements: [Value], _ state: inout EvaluationState) throws(ExpressionError) -> [Value] {
        let resolved: ConstantKey?
        switch key {
        case .wildcard: resolved = nil
        case .constant(let constant): resolved = constant
        case .dynamic(let node): resolved = ConstantKey(try node.evaluate(&state))
        }
        var result: [Value] = []
        for element in elements {
            switch element {
            case .object(let object):
                if let resolved {
                    if let name = resolved.foldedString, let value = object.value(foldedKey: name) { result.append(value) }
                } else {
                    result.append(contentsOf: object.values)
                }
            case .array(let nested):
                if let resolved {
                    if let index = resolved.integer, index < nested.count { result.append(nested[index]) }
                } else {
                    result.append(contentsOf: nested)
                }
            default:
                break
            }
        }
        return result
    }

    /// The folded object key for an index value; nil for arrays and objects.
    private static func stringKey(_ key: Value) -> String? {
        key.isPrimitive ? ObjectValue.fold(key.coercedString) : nil
    }

    /// GitHub's array index rule: NaN or negative → none; otherwise floored, up to `Int32.max`.
    static func arrayIndex(_ number: Double) -> Int? {
        guard !number.isNaN, number >= 0 else { return nil }
        let floored = number.rounded(.down)
        guard floored <= Double(Int32.max) else { return nil }
        return Int(floored)
    }
}
