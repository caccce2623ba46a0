/// Small DSL used to write down the workflow schema table.
struct SchemaBuilder {
    private(set) var definitions: [String: SchemaDefinition] = [:]

    init() {
        // Built-in types of GitHub's template schema.
        add("null", .null)
        add("boolean", .boolean)
        add("number", .number)
        add("string", .string(constant: nil, requireNonEmpty: false))
        add("sequence", .sequence(itemType: "any"))
        add("mapping", .mapping(properties: [], looseKeyType: "string", looseValueType: "any"))
        add("any", .oneOf(["null", "boolean", "number", "string", "sequence", "mapping"]))
    }

    mutating func add(_ name: String, _ kind: SchemaDefinition.Kind, context: [String] = []) {
        definitions[name] = SchemaDefinition(name: name, kind: kind, context: context)
    }

    mutating func mapping(_ name: String, context: [String] = [], _ properties: [SchemaProperty] = [],
                          looseKey: String? = nil, looseValue: String? = nil) {
        add(name, .mapping(properties: properties, looseKeyType: looseKey, looseValueType: looseValue), context: context)
    }

    mutating func oneOf(_ name: String, context: [String] = [], _ members: [String]) {
        add(name, .oneOf(members), context: context)
    }

    mutating func string(_ name: String, context: [String] = [], constant: String? = nil, nonEmpty: Bool = false) {
        add(name, .string(constant: constant, requireNonEmpty: nonEmpty), context: context)
    }

    mutating func sequence(_ name: String, context: [String] = [], of itemType: String) {
        add(name, .sequence(itemType: itemType), context: context)
    }

    mutating func boolean(_ name: String, context: [String]) {
        add(name, .boolean, context: context)
    }

    mutating func number(_ name: String, context: [String]) {
        add(name, .number, context: context)
    }

    /// An `allowed-values` definition: a one-of over string constants.
    mutating func allowedValues(_ name: String, _ values: [String]) {
        var members: [String] = []
        for value in values {
            let member = "\(name)-\(value)"
            string(member, constant: value)
            members.append(member)
        }
        oneOf(name, members)
    }
}

/// `SchemaProperty` shorthand for the schema table.
func prop(_ name: String, _ type: String, required: Bool = false) -> SchemaProperty {
    SchemaProperty(name, type, required: required)
}
