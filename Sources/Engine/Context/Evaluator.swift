import Expressions
import Foundation
import Workflow

/// Evaluates the expression-bearing keys of a workflow (`if:`, templated strings, numbers and
/// booleans that may be written as `${{ }}`), with the rules GitHub applies to each.
public enum Evaluator {
    /// An `if:` condition: `${{ }}` around it is optional; without a status function it means
    /// `success() && (condition)`.
    public static func condition(_ text: String, _ context: EvaluationContext) throws(ExpressionError) -> Bool {
        let source = stripDelimiters(text)
        if source.trimmingCharacters(in: .whitespaces).isEmpty {
            return context.status.success
        }
        let expression = try Expression(source)
        let value = try expression.evaluate(context)
        if expression.usesStatusFunction { return value.isTruthy }
        return context.status.success && value.isTruthy
    }

    /// A string that may embed `${{ }}`; literal text is returned as is.
    public static func string(_ text: String, _ context: EvaluationContext) throws(ExpressionError) -> String {
        guard Template.containsExpression(text) else { return text }
        return try Template(text).evaluateString(context)
    }

    /// A value that may be written literally or as a `${{ }}` string (`timeout-minutes`, `continue-on-error`).
    public static func value(_ value: Value, _ context: EvaluationContext) throws(ExpressionError) -> Value {
        if case .string(let text) = value, Template.containsExpression(text) {
            return try Template(text).evaluate(context)
        }
        return value
    }

    /// Evaluates every value of an ordered `env:`-style map.
    public static func map(_ pairs: OrderedMap<String>, _ context: EvaluationContext) throws(ExpressionError) -> [(String, String)] {
        var result: [(String, String)] = []
        result.reserveCapacity(pairs.count)
        for (key, text) in pairs { result.append((key, try string(text, context))) }
        return result
    }

    /// Removes one `${{ … }}` wrapping the whole text, if present.
    public static func stripDelimiters(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return text }
        let inner = trimmed.dropFirst(3).dropLast(2)
        // `${{ a }} && ${{ b }}` is a template, not one expression.
        if inner.contains("${{") { return text }
        return String(inner)
    }
}

extension Value {
    /// Minutes as a duration, for `timeout-minutes` (numbers or numeric strings).
    var minutes: Duration? {
        let number: Double
        switch self {
        case .number(let value): number = value
        case .string(let text): guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else { return nil }; number = value
        default: return nil
        }
        guard number.isFinite, number > 0 else { return nil }
        return .milliseconds(Int64(number * 60_000))
    }
}
