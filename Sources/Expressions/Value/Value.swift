import Foundation

/// A value of the `${{ }}` language: what contexts hold and what expressions produce.
///
/// The cases mirror JSON, the model GitHub's expression engines use. Objects keep their key order
/// and look names up case-insensitively (`github.EVENT_NAME` finds `event_name`).
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Value])
    case object(ObjectValue)
}

/// An ordered map from names to values with case-insensitive lookup.
///
/// Insertion order is preserved (it is visible through `toJSON` and `.*` filters); setting a key
/// that differs only in case from an existing one replaces that entry's value in place.
public struct ObjectValue: Sendable, Hashable {
    public private(set) var entries: [(key: String, value: Value)] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// An empty object with storage of its own (see `isSameInstance`).
    init(minimumCapacity: Int) {
        entries.reserveCapacity(Swift.max(1, minimumCapacity))
    }

    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(_ dictionary: [String: Value]) {
        for key in dictionary.keys.sorted() { self[key] = dictionary[key] }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public var values: [Value] { entries.map(\.value) }

    /// Folds a key the way GitHub compares context names and object keys.
    @inlinable
    public static func fold(_ key: String) -> String {
        // Fast path: most keys are already lower-case ASCII.
        if key.utf8.allSatisfy({ $0 < 0x41 || ($0 > 0x5A && $0 < 0x80) }) { return key }
        return key.lowercased()
    }

    public subscript(key: String) -> Value? {
        get { index[Self.fold(key)].map { entries[$0].value } }
        set {
            let folded = Self.fold(key)
            if let position = index[folded] {
                if let newValue {
                    entries[position].value = newValue
                } else {
                    entries.remove(at: position)
                    rebuildIndex()
                }
            } else if let newValue {
                index[folded] = entries.count
                entries.append((key, newValue))
            }
        }
    }

    /// Looks up a key that is already folded with `fold(_:)`; skips the folding step.
    @inline(__always)
    func value(foldedKey: String) -> Value? {
        guard let position = index[foldedKey] else { return nil }
        return entries[position].value
    }

    /// Whether both values share the same entry storage: GitHub compares objects by reference,
    /// and copies of one object (e.g. two lookups of the same context) count as the same instance.
    func isSameInstance(as other: ObjectValue) -> Bool {
        entries.withUnsafeBufferPointer { left in
            other.entries.withUnsafeBufferPointer { right in
                left.baseAddress == right.baseAddress && left.count == right.count
            }
        }
    }

    /// Merges `other` into this object; keys of `other` win.
    public mutating func merge(_ other: ObjectValue) {
        for (key, value) in other.entries { self[key] = value }
    }

    private mutating func rebuildIndex() {
        index = [:]
        for (position, entry) in entries.enumerated() { index[Self.fold(entry.key)] = position }
    }

    public static func == (lhs: ObjectValue, rhs: ObjectValue) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (left, right) in zip(lhs.entries, rhs.entries) where left.key != right.key || left.value != right.value {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .object(ObjectValue(elements)) }
}

extension Value {
    /// The object's entries, or nil when this is not an object.
    public var objectValue: ObjectValue? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The array's elements, or nil when this is not an array.
    public var arrayValue: [Value]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The string, or nil when this is not a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// Looks up `key` when this is an object.
    public subscript(key: String) -> Value? {
        objectValue?[key]
    }
}

extension Value {
    /// Parses JSON text into a value, keeping the key order of objects as written.
    public init(jsonText: String) throws(ExpressionError) {
        var parser = JSONTextParser(Array(jsonText.utf8))
        self = try parser.parseDocument()
    }
}
