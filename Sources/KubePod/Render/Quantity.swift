import Foundation
import Kube

/// Kubernetes resource quantities (`500m`, `2`, `1.5Gi`, `512M`, `1e3`): just enough to check
/// syntax, compare two of them and write Docker's `--cpus`/`--memory` as quantities.
enum Quantity {
    private static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
        ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
        ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]

    /// The quantity's value in base units, nil when it is not a Kubernetes quantity.
    static func value(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.first == "+" || rest.first == "-" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let base = Double(number) else { return nil }
        rest = rest.dropFirst(number.count)
        if rest.isEmpty { return sign * base }
        if let suffix = suffixes.first(where: { $0.0 == rest }) { return sign * base * suffix.1 }
        if rest.first == "e" || rest.first == "E" {
            let exponent = rest.dropFirst()
            guard let power = Int(exponent), !exponent.hasPrefix("+") || exponent.count > 1 else { return nil }
            return sign * base * pow(10, Double(power))
        }
        return nil
    }

    /// A JSON value (string or number) as a quantity string, nil when it is neither valid.
    static func normalized(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return Self.value(text) == nil ? nil : text
        case .number(let number):
            guard number.isFinite, number >= 0 else { return nil }
            if number.rounded() == number, number < 1e15 { return String(Int64(number)) }
            return cpu(number)
        default: return nil
        }
    }

    /// CPUs (`1.5`) as a quantity: `2`, `1500m`.
    static func cpu(_ cpus: Double) -> String {
        let millis = Int64((cpus * 1000).rounded())
        return millis % 1000 == 0 ? String(millis / 1000) : "\(millis)m"
    }

    /// Bytes as a quantity: `2Gi`, `512Mi`, `1536Ki` or plain bytes.
    static func bytes(_ bytes: Int64) -> String {
        for (suffix, size) in [("Gi", Int64(1_073_741_824)), ("Mi", 1_048_576), ("Ki", 1024)] where bytes % size == 0 && bytes >= size {
            return "\(bytes / size)\(suffix)"
        }
        return String(bytes)
    }
}
