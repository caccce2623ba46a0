import Foundation

/// Formats numbers the way GitHub's parser turns them into strings (.NET's "G15").
enum NumberFormatting {
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        var text = String(format: "%.15G", value)
        // %G pads the exponent to two digits like .NET does; nothing else to adjust.
        if text.hasPrefix("-0") && Double(text) == 0 { text = "0" }
        return text
    }
}
