extension Value {
    /// GitHub truthiness: `null`, `false`, `0`, `-0`, `NaN` and `''` are falsy; everything else
    /// (including every array and object) is truthy.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .number(let value): return !(value == 0 || value.isNaN)
        case .string(let value): return !value.isEmpty
        case .array, .object: return true
        }
    }

    /// GitHub string coercion: null → `""`, booleans → `true`/`false`, numbers formatted like
    /// .NET's `G15` (`-0` → `0`, `1E+15`), arrays → `Array`, objects → `Object`.
    public var coercedString: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return NumberFormatting.string(from: value)
        case .string(let value): return value
        case .array: return "Array"
        case .object: return "Object"
        }
    }

    /// GitHub number coercion (JavaScript `Number()`-like): null → 0, booleans → 0/1, strings
    /// parsed after trimming (`''` → 0, `0x1F`, `0o17`, `1e3`, `Infinity`; otherwise NaN),
    /// arrays and objects → NaN.
    public var coercedNumber: Double {
        switch self {
        case .null: return 0
        case .bool(let value): return value ? 1 : 0
        case .number(let value): return value
        case .string(let value): return NumberParsing.number(from: value)
        case .array, .object: return .nan
        }
    }

    /// The kind's name as GitHub reports it: `Null`, `Boolean`, `Number`, `String`, `Array` or `Object`.
    public var kindName: String {
        switch self {
        case .null: return "Null"
        case .bool: return "Boolean"
        case .number: return "Number"
        case .string: return "String"
        case .array: return "Array"
        case .object: return "Object"
        }
    }

    /// True for null, booleans, numbers and strings.
    var isPrimitive: Bool {
        switch self {
        case .null, .bool, .number, .string: return true
        case .array, .object: return false
        }
    }

    /// GitHub's `toJSON`: two-space indentation, keys in insertion order, numbers as `coercedString`.
    public func toJSON() -> String {
        JSONWriter.write(self)
    }
}
