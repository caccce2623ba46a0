/// A small ordered map from names to values, as written in the workflow file.
///
/// Lookups try an exact match first and then a case-insensitive one (GitHub compares keys
/// such as env names, output names and input names case-insensitively when detecting duplicates).
public struct OrderedMap<Value: Sendable>: Sendable, Sequence {
    public typealias Element = (key: String, value: Value)

    /// The entries in file order.
    public private(set) var entries: [Element]

    public init() {
        entries = []
    }

    public init(_ pairs: [(String, Value)]) {
        entries = pairs.map { (key: $0.0, value: $0.1) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public var values: [Value] { entries.map(\.value) }

    public func makeIterator() -> IndexingIterator<[Element]> {
        entries.makeIterator()
    }

    /// The value for `key` (exact match first, then case-insensitive).
    public subscript(key: String) -> Value? {
        if let entry = entries.first(where: { $0.key == key }) { return entry.value }
        let folded = key.lowercased()
        return entries.first(where: { $0.key.lowercased() == folded })?.value
    }

    /// Appends an entry (the reader has already rejected duplicate keys).
    public mutating func append(_ key: String, _ value: Value) {
        entries.append((key: key, value: value))
    }
}

extension OrderedMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}

extension OrderedMap: Equatable where Value: Equatable {
    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
