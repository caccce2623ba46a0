import Expressions
import Foundation

/// The `==` of GitHub's expression language, for the scalar comparisons of matrix filters.
///
/// Same kinds compare directly (strings ignoring case, numbers numerically, NaN never equal);
/// a number and a string compare as numbers; a boolean or null is first converted to a number
/// (`true` → 1, `false`/null → 0) and the comparison retried. Arrays and objects equal nothing
/// here (GitHub compares them by reference, and a filter literal is never the same object).
///
/// Kept private to the matrix code so it does not depend on the expression module's coercion
/// helpers; the rules are the same.
enum LooseEquality {
    static func equals(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.number(let a), .number(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return equalIgnoringCase(a, b)
        case (.number(let a), .string(let b)):
            return a == number(from: b)
        case (.string(let a), .number(let b)):
            return number(from: a) == b
        case (.bool, _), (.null, _):
            return equals(.number(scalarNumber(left)), right)
        case (_, .bool), (_, .null):
            return equals(left, .number(scalarNumber(right)))
        default:
            return false
        }
    }

    private static func scalarNumber(_ value: Value) -> Double {
        switch value {
        case .bool(let flag): flag ? 1 : 0
        case .null: 0
        default: .nan
        }
    }

    /// Ordinal, case-insensitive comparison (ASCII fast path, Unicode upper-casing otherwise).
    static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        if left.count == right.count, left.allSatisfy({ $0 < 0x80 }), right.allSatisfy({ $0 < 0x80 }) {
            return zip(left, right).allSatisfy { lower($0) == lower($1) }
        }
        return a.uppercased() == b.uppercased()
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// GitHub's string → number conversion: trimmed; empty is 0; `0x`/`0o` integer prefixes;
    /// otherwise a decimal number with optional sign, fraction and exponent, or NaN.
    static func number(from text: String) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return 0 }
        if trimmed.hasPrefix("0x"), let value = Int64(trimmed.dropFirst(2), radix: 16) { return Double(value) }
        if trimmed.hasPrefix("0o"), let value = Int64(trimmed.dropFirst(2), radix: 8) { return Double(value) }
        switch trimmed {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        let allowed = trimmed.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2B || byte == 0x2D || byte == 0x45 || byte == 0x65
        }
        guard allowed, let value = Double(trimmed) else { return .nan }
        return value
    }
}
