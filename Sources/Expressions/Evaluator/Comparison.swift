/// GitHub's comparison rules (JavaScript's abstract comparison, adjusted):
/// - same kinds compare directly; strings case-insensitively (`OrdinalIgnoreCase`); any NaN
///   makes every comparison false; arrays and objects are equal only to the same instance;
/// - a number and a string compare as numbers; a boolean or null is first converted to a
///   number; any other mix of kinds is unequal and unordered.
enum Comparison {
    static func equal(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return OrdinalIgnoreCase.equals(a, b)
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.number(let a), .string(let b)): return a == NumberParsing.number(from: b)
        case (.string(let a), .number(let b)): return NumberParsing.number(from: a) == b
        case (.array(let a), .array(let b)): return sameArray(a, b)
        case (.object(let a), .object(let b)): return a.isSameInstance(as: b)
        case (.bool, _), (.null, _): return equal(.number(lhs.coercedNumber), rhs)
        case (_, .bool), (_, .null): return equal(lhs, .number(rhs.coercedNumber))
        default: return false
        }
    }

    static func greater(_ lhs: Value, _ rhs: Value) -> Bool {
        order(lhs, rhs).map { $0 > 0 } ?? false
    }

    static func less(_ lhs: Value, _ rhs: Value) -> Bool {
        order(lhs, rhs).map { $0 < 0 } ?? false
    }

    /// The sign of `lhs - rhs` after coercion, or nil when the values are unordered.
    private static func order(_ lhs: Value, _ rhs: Value) -> Int? {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return OrdinalIgnoreCase.compare(a, b)
        case (.number(let a), .number(let b)): return numberOrder(a, b)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.number(let a), .string(let b)): return numberOrder(a, NumberParsing.number(from: b))
        case (.string(let a), .number(let b)): return numberOrder(NumberParsing.number(from: a), b)
        case (.null, .null): return nil
        case (.bool, _), (.null, _): return order(.number(lhs.coercedNumber), rhs)
        case (_, .bool), (_, .null): return order(lhs, .number(rhs.coercedNumber))
        default: return nil
        }
    }

    @inline(__always)
    private static func numberOrder(_ a: Double, _ b: Double) -> Int? {
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// Reference identity for arrays: copies of one array share storage.
    private static func sameArray(_ a: [Value], _ b: [Value]) -> Bool {
        a.withUnsafeBufferPointer { left in
            b.withUnsafeBufferPointer { right in left.baseAddress == right.baseAddress && left.count == right.count }
        }
    }
}
