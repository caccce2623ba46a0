/// Durations in Go's `time.ParseDuration` syntax, as used by forgejo-runner's config.yml: an
/// optional sign and a sequence of decimal numbers (fractions allowed) each followed by a unit —
/// `ns`, `us` (or `µs`, `μs`), `ms`, `s`, `m`, `h` — e.g. `300ms`, `1.5h`, `2h45m`, `1m30s`.
/// A bare `0` is also accepted.
public enum GoDuration {
    private static let units: [(String, UInt64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Parses a duration; nil when the text is not valid Go syntax or overflows ±292 years.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { return nil }
        var total: UInt64 = 0
        while !rest.isEmpty {
            // Integer part.
            let integerDigits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(integerDigits.count)
            var value: UInt64 = 0
            for digit in integerDigits.utf8 {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (plus, overflow2) = times.addingReportingOverflow(UInt64(digit - 0x30))
                guard !overflow1, !overflow2, plus <= 1 << 63 else { return nil }
                value = plus
            }
            // Fraction.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var fractionDigits = 0
            if rest.first == "." {
                rest = rest.dropFirst()
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                rest = rest.dropFirst(digits.count)
                fractionDigits = digits.count
                for digit in digits.utf8 where fraction < (1 << 63) / 10 {
                    fraction = fraction * 10 + UInt64(digit - 0x30)
                    scale *= 10
                }
            }
            guard !integerDigits.isEmpty || fractionDigits > 0 else { return nil }
            // Unit.
            let unitText = rest.prefix { $0 != "." && !($0.isASCII && $0.isNumber) }
            rest = rest.dropFirst(unitText.count)
            guard let unit = units.first(where: { $0.0 == unitText })?.1 else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, scaled <= 1 << 63 else { return nil }
            var amount = scaled
            if fraction > 0 {
                let extra = UInt64(Double(fraction) * (Double(unit) / scale))
                let (sum, overflowSum) = amount.addingReportingOverflow(extra)
                guard !overflowSum, sum <= 1 << 63 else { return nil }
                amount = sum
            }
            let (sum, overflowTotal) = total.addingReportingOverflow(amount)
            guard !overflowTotal, sum <= 1 << 63 else { return nil }
            total = sum
        }
        if negative {
            return .nanoseconds(total == 1 << 63 ? Int64.min : -Int64(total))
        }
        guard total <= UInt64(Int64.max) else { return nil }
        return .nanoseconds(Int64(total))
    }

    /// Renders a duration compactly in a form ``parse(_:)`` and Go accept: `0s`, `100ms`, `1.5s`,
    /// `1m30s`, `3h`, `2h0m5s` → `2h5s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if nanos.overflow { nanos.partialValue = seconds < 0 ? Int64.min : Int64.max }
        let total = nanos.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        if total == 0 { return "0s" }
        let sign = total < 0 ? "-" : ""
        var rest = total.magnitude
        if rest < 1_000_000_000 {
            for (name, size) in [("ms", UInt64(1_000_000)), ("us", 1_000), ("ns", 1)] where rest >= size {
                return sign + decimal(rest, unit: size) + name
            }
        }
        var text = sign
        let hours = rest / 3_600_000_000_000
        rest %= 3_600_000_000_000
        let minutes = rest / 60_000_000_000
        rest %= 60_000_000_000
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 { text += decimal(rest, unit: 1_000_000_000) + "s" }
        return text
    }

    private static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction > 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: String(unit).count - 1 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        fraction = 0
        return "\(whole).\(digits)"
    }
}
