#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats numbers the way GitHub's runner does (.NET `G15` with the invariant culture).
enum NumberFormatting {
    /// `G15`: at most 15 significant digits, trailing zeros dropped, scientific notation
    /// (`1.5E+15`, `1E-05`) when the exponent is -5 or less, or 15 or more. `-0` prints as `0`.
    static func string(from value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        // Fast path: integers with at most 15 digits print exactly.
        if value.magnitude < 1e15, value == value.rounded(.towardZero) {
            return String(Int64(value))
        }
        return formatSignificant(value)
    }

    private static func formatSignificant(_ value: Double) -> String {
        // "%.14e" yields d.dddddddddddddde±XX: 15 correctly rounded significant digits.
        var buffer = [CChar](repeating: 0, count: 40)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value.magnitude]) { vsnprintf(pointer.baseAddress, 40, "%.14e", $0) }
        }
        let text = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        var digits: [UInt8] = []
        var index = 0
        while index < text.count, text[index] != UInt8(ascii: "e") {
            if text[index] != UInt8(ascii: ".") { digits.append(text[index]) }
            index += 1
        }
        var exponent = 0
        var negativeExponent = false
        index += 1
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negativeExponent = text[index] == UInt8(ascii: "-")
            index += 1
        }
        while index < text.count {
            exponent = exponent * 10 + Int(text[index] - UInt8(ascii: "0"))
            index += 1
        }
        if negativeExponent { exponent = -exponent }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }

        var out: [UInt8] = []
        out.reserveCapacity(24)
        if value < 0 { out.append(UInt8(ascii: "-")) }
        if exponent >= 15 || exponent < -4 {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "E"))
            out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = exponent.magnitude
            if magnitude < 10 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: String(magnitude).utf8)
        } else if exponent >= 0 {
            for position in 0...exponent {
                out.append(position < digits.count ? digits[position] : UInt8(ascii: "0"))
            }
            if digits.count > exponent + 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[(exponent + 1)...])
            }
        } else {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
