import Expressions
import Foundation

/// Renders matrix values the way GitHub's workflow parser does when it builds default job names.
///
/// GitHub walks the matrix depth first (keys omitted) and keeps every boolean, number and
/// non-empty string it meets; nulls, empty strings and the containers themselves are skipped, so
/// `{os: linux, node: {version: 20, npm: 10}}` gives the segments `linux`, `20`, `10`.
enum MatrixNameRenderer {
    static func segments(of values: ObjectValue) -> [String] {
        var result: [String] = []
        for value in values.values { collect(value, into: &result) }
        return result
    }

    static func collect(_ value: Value, into result: inout [String]) {
        switch value {
        case .null:
            break
        case .bool(let flag):
            result.append(flag ? "true" : "false")
        case .number(let number):
            result.append(format(number))
        case .string(let text):
            if !text.isEmpty { result.append(text) }
        case .array(let items):
            for item in items { collect(item, into: &result) }
        case .object(let object):
            for item in object.values { collect(item, into: &result) }
        }
    }

    /// .NET's `Double.ToString("G15", InvariantCulture)`: 15 significant digits, scientific notation
    /// for exponents below -5 or from 15 up (so `3.10` shows as `3.1`, as on GitHub).
    static func format(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-∞" : "∞" }
        return String(format: "%.15g", number).replacingOccurrences(of: "e", with: "E")
    }
}
