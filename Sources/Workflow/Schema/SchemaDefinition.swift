/// One definition of GitHub's workflow template schema (workflow-v1.0): what a node may be, which
/// keys a mapping has, and which expression contexts are allowed below it.
final class SchemaDefinition: Sendable {
    enum Kind: Sendable {
        case null
        case boolean
        case number
        /// A string, optionally a fixed constant or required to be non-empty.
        case string(constant: String?, requireNonEmpty: Bool)
        case sequence(itemType: String)
        /// Well-known properties (in schema order) and an optional loose key/value type.
        case mapping(properties: [SchemaProperty], looseKeyType: String?, looseValueType: String?)
        case oneOf([String])
    }

    let name: String
    let kind: Kind
    /// Expression contexts and functions (`hashFiles(1,255)`) this definition adds.
    let context: [String]
    /// Property lookup for mappings.
    let propertyIndex: [String: SchemaProperty]

    init(name: String, kind: Kind, context: [String] = []) {
        self.name = name
        self.kind = kind
        self.context = context
        if case .mapping(let properties, _, _) = kind {
            var index: [String: SchemaProperty] = [:]
            for property in properties { index[property.name] = property }
            propertyIndex = index
        } else {
            propertyIndex = [:]
        }
    }

    var isScalar: Bool {
        switch kind {
        case .null, .boolean, .number, .string: return true
        default: return false
        }
    }

    var properties: [SchemaProperty] {
        if case .mapping(let properties, _, _) = kind { return properties }
        return []
    }

    var looseKeyType: String? {
        if case .mapping(_, let key, _) = kind { return key }
        return nil
    }

    var looseValueType: String? {
        if case .mapping(_, _, let value) = kind { return value }
        return nil
    }

    /// Whether a literal scalar matches this (scalar) definition.
    func matches(_ literal: Token) -> Bool {
        switch (kind, literal.kind) {
        case (.null, .null): return true
        case (.boolean, .bool): return true
        case (.number, .number): return true
        case (.string(let constant, let nonEmpty), .string(let value, _)):
            if let constant { return constant == value }
            return nonEmpty ? !value.isEmpty : true
        default: return false
        }
    }
}

/// A well-known property of a mapping definition.
struct SchemaProperty: Sendable {
    let name: String
    let type: String
    let required: Bool

    init(_ name: String, _ type: String, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}
