import Foundation
import Yams

/// One value of `config.yml` at a dotted key, with conversions that fail with a ``ConfigError``
/// naming the key and the expected form.
struct ConfigValue {
    let key: String
    let node: Node
    /// Line of the key this value belongs to (the value's own line if unknown).
    var keyLine: Int?

    init(key: String, node: Node, keyLine: Int? = nil) {
        self.key = key
        self.node = node
        self.keyLine = keyLine
    }

    var line: Int? { keyLine ?? node.mark?.line }

    func error(_ message: String) -> ConfigError {
        ConfigError(key: key, message: message, line: line)
    }

    /// `~`, `null` or nothing after the colon: the key keeps its default.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private var shown: String {
        switch node {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func scalar(expecting what: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw error("expected \(what), not \(shown)")
        }
        return scalar.string
    }

    func string() throws -> String {
        try scalar(expecting: "a single value")
    }

    func bool() throws -> Bool {
        let text = try scalar(expecting: "true or false")
        switch text.lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: throw error("\(shown) is not a boolean (use true or false)")
        }
    }

    func int() throws -> Int {
        let text = try scalar(expecting: "a whole number")
        guard let value = Self.parseInt(text) else {
            throw error("\(shown) is not a whole number")
        }
        return value
    }

    static func parseInt(_ text: String) -> Int? {
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.lowercased().hasPrefix(prefix) {
            radix = base
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty, let magnitude = Int(digits, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    func duration() throws -> Duration {
        let text = try scalar(expecting: "a duration such as 2s or 1m30s").trimmingCharacters(in: .whitespaces)
        if let value = GoDuration.parse(text) { return value }
        if let number = Self.parseInt(text) {
            throw error("\(number) has no unit (write e.g. \(number)s or \(number)m; Go durations such as 2s or 1m30s)")
        }
        throw error("\(shown) is not a duration (use Go syntax such as 2s or 1m30s)")
    }

    func port() throws -> UInt16 {
        let value = try int()
        guard let port = UInt16(exactly: value) else {
            throw error("\(value) is not a port number (0–65535; 0 picks a free port)")
        }
        return port
    }

    func stringList() throws -> [String] {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else {
            throw error("expected a list (e.g. [a, b] or one \"- item\" per line), not \(shown)")
        }
        return try sequence.enumerated().map { index, item in
            try ConfigValue(key: "\(key)[\(index)]", node: item).string()
        }
    }

    func stringMap() throws -> [(String, String)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping of NAME: value pairs, not \(shown)")
        }
        return try mapping.map { pair in
            let name = try ConfigValue(key: key, node: pair.key).scalar(expecting: "a name")
            let value = ConfigValue(key: "\(key).\(name)", node: pair.value, keyLine: pair.key.mark?.line)
            return (name, value.isNull ? "" : try value.string())
        }
    }

    /// Sub-values of a mapping, in file order.
    func entries() throws -> [(name: String, value: ConfigValue)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping (indented keys), not \(shown)")
        }
        return try mapping.map { pair in
            let name = try ConfigValue(key: key, node: pair.key).scalar(expecting: "a key name")
            return (name, ConfigValue(key: key.isEmpty ? name : "\(key).\(name)", node: pair.value, keyLine: pair.key.mark?.line))
        }
    }
}
