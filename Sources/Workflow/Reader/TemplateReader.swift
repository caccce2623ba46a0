import Expressions

/// Validates a document against the workflow schema, GitHub's way: unknown keys, missing required
/// keys, wrong node kinds, duplicate keys, and `${{ }}` expressions (syntax, closing, directives,
/// and whether the contexts and functions used are allowed where they appear). Returns the tokens
/// with expressions recognised; problems go to `diagnostics`.
final class TemplateReader {
    static let maxExpressionLength = 21_000

    private let schema: WorkflowSchema
    private let diagnostics: Diagnostics
    private let allowBackgroundSteps: Bool
    private var contextCache: [ContextKey: AllowedContext] = [:]

    private static let backgroundStepProperties: Set<String> = ["background", "wait", "wait-all", "cancel"]
    private static let backgroundOnlyProperties: Set<String> = ["wait", "wait-all", "cancel"]

    private struct ContextKey: Hashable {
        let parent: ObjectIdentifier
        let definition: String
    }

    init(diagnostics: Diagnostics, allowBackgroundSteps: Bool, schema: WorkflowSchema = .shared) {
        self.schema = schema
        self.diagnostics = diagnostics
        self.allowBackgroundSteps = allowBackgroundSteps
    }

    /// Reads `token` as the schema definition `type` (the workflow root by default).
    func read(_ token: Token, as type: String = WorkflowSchema.root) -> Token {
        let definition = schema.definition(type)
        let info = DefinitionInfo(definition: definition, context: context(parent: .none, adding: definition))
        return readValue(token, info)
    }

    // MARK: - Definitions

    private func child(_ parent: DefinitionInfo, _ type: String) -> DefinitionInfo {
        let definition = schema.definition(type)
        return DefinitionInfo(definition: definition, context: context(parent: parent.context, adding: definition))
    }

    private func context(parent: AllowedContext, adding definition: SchemaDefinition) -> AllowedContext {
        if definition.context.isEmpty { return parent }
        let key = ContextKey(parent: ObjectIdentifier(parent), definition: definition.name)
        if let cached = contextCache[key] { return cached }
        let context = parent.adding(definition.context)
        contextCache[key] = context
        return context
    }

    // MARK: - Values

    private func readValue(_ token: Token, _ info: DefinitionInfo) -> Token {
        switch token.kind {
        case .null, .bool, .number, .string, .expression:
            return validate(parseScalar(token, info), info)
        case .sequence(let items):
            guard let sequence = schema.sequenceDefinition(of: info.definition),
                  case .sequence(let itemType) = sequence.kind else {
                diagnostics.error("A sequence was not expected", at: token)
                return token
            }
            let itemInfo = child(info, itemType)
            var result = token
            result.kind = .sequence(items.map { readValue($0, itemInfo) })
            return result
        case .mapping(let pairs):
            let definitions = schema.mappingDefinitions(of: info.definition)
            guard let first = definitions.first else {
                diagnostics.error("A mapping was not expected", at: token)
                return token
            }
            var result = token
            if definitions.count > 1 || !first.properties.isEmpty || first.looseKeyType == nil {
                result.kind = .mapping(readWellKnownMapping(token, pairs, definitions, info))
            } else {
                result.kind = .mapping(readLooseMapping(pairs, first, info))
            }
            return result
        }
    }

    private func readWellKnownMapping(_ token: Token, _ pairs: [TokenPair], _ candidates: [SchemaDefinition],
                                      _ info: DefinitionInfo) -> [TokenPair] {
        var definitions = candidates
        let looseKeyType = candidates[0].looseKeyType
        let looseValueType = candidates[0].looseValueType
        var seen = Set<String>()
        var hasExpressionKey = false
        var result: [TokenPair] = []
        result.reserveCapacity(pairs.count)

        for pair in pairs {
            guard let keyScalar = readKey(pair.key, info) else { continue }
            if keyScalar.isExpression {
                hasExpressionKey = true
                if info.context.isEmpty {
                    diagnostics.error("A template expression is not allowed in this context", at: keyScalar)
                } else {
                    result.append(TokenPair(key: keyScalar, value: readValue(pair.value, child(info, "any"))))
                }
                continue
            }
            let key = keyScalar.string == nil ? keyScalar.asStringToken : keyScalar
            let name = key.string ?? ""
            if !name.isEmpty, !seen.insert(name.uppercased()).inserted {
                diagnostics.error("'\(name)' is already defined", at: key)
                continue
            }
            if let property = Self.matchPropertyAndFilter(&definitions, name) {
                if !allowBackgroundSteps, Self.backgroundStepProperties.contains(name) {
                    diagnostics.error("Unexpected value '\(name)'", at: key)
                    continue
                }
                result.append(TokenPair(key: key, value: readValue(pair.value, child(info, property.type))))
                continue
            }
            if let looseKeyType, let looseValueType {
                _ = validate(key, child(info, looseKeyType))
                result.append(TokenPair(key: key, value: readValue(pair.value, child(info, looseValueType))))
                continue
            }
            diagnostics.error("Unexpected value '\(name)'", at: key)
        }

        if definitions.count > 1 {
            var hits: [String: Int] = [:]
            for definition in definitions {
                for property in definition.properties { hits[property.name, default: 0] += 1 }
            }
            var properties = hits.filter { $0.value == 1 }.map(\.key)
            if !allowBackgroundSteps {
                properties.removeAll { Self.backgroundOnlyProperties.contains($0) }
            }
            diagnostics.error(
                "There's not enough info to determine what you meant. Add one of these properties: "
                    + properties.sorted().joined(separator: ", "), at: token)
        } else if definitions.count == 1, !hasExpressionKey {
            for property in definitions[0].properties where property.required && !seen.contains(property.name.uppercased()) {
                diagnostics.error("Required property is missing: \(property.name)", at: token)
            }
        }
        return result
    }

    private func readLooseMapping(_ pairs: [TokenPair], _ definition: SchemaDefinition, _ info: DefinitionInfo) -> [TokenPair] {
        let keyInfo = child(info, definition.looseKeyType ?? "string")
        let valueInfo = child(info, definition.looseValueType ?? "any")
        var seen = Set<String>()
        var result: [TokenPair] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let keyScalar = readKey(pair.key, info) else { continue }
            if keyScalar.isExpression {
                if info.context.isEmpty {
                    diagnostics.error("A template expression is not allowed in this context", at: keyScalar)
                } else {
                    result.append(TokenPair(key: keyScalar, value: readValue(pair.value, valueInfo)))
                }
                continue
            }
            let key = keyScalar.string == nil ? keyScalar.asStringToken : keyScalar
            let name = key.string ?? ""
            if !name.isEmpty, !seen.insert(name.uppercased()).inserted {
                diagnostics.error("'\(name)' is already defined", at: key)
                continue
            }
            _ = validate(key, keyInfo)
            result.append(TokenPair(key: key, value: readValue(pair.value, valueInfo)))
        }
        return result
    }

    /// A mapping key as a scalar (collections as keys are reported and skipped).
    private func readKey(_ key: Token, _ info: DefinitionInfo) -> Token? {
        switch key.kind {
        case .sequence:
            diagnostics.error("A sequence was not expected", at: key)
            return nil
        case .mapping:
            diagnostics.error("A mapping was not expected", at: key)
            return nil
        default:
            return parseScalar(key, info)
        }
    }

    /// Finds `name` among the candidates' well-known properties and drops the candidates without it.
    private static func matchPropertyAndFilter(_ definitions: inout [SchemaDefinition], _ name: String) -> SchemaProperty? {
        var result: SchemaProperty?
        var missingInSome = false
        for definition in definitions {
            if let property = definition.propertyIndex[name] {
                result = property
            } else {
                missingInSome = true
            }
        }
        if result != nil, missingInSome {
            definitions.removeAll { $0.propertyIndex[name] == nil }
        }
        return result
    }

    // MARK: - Scalars

    private func validate(_ scalar: Token, _ info: DefinitionInfo) -> Token {
        switch scalar.kind {
        case .null, .bool, .number, .string:
            let definitions = schema.scalarDefinitions(of: info.definition)
            if definitions.contains(where: { $0.matches(scalar) }) { return scalar }
            if case .null = scalar.kind,
               schema.mappingDefinitions(of: info.definition).contains(where: { !$0.properties.contains(where: \.required) }) {
                // GitHub reads an empty value where a mapping is expected as an empty mapping
                // (`inputs:` with nothing under it).
                return scalar
            }
            if scalar.string == nil {
                let converted = scalar.asStringToken
                if definitions.contains(where: { $0.matches(converted) }) { return converted }
            }
            diagnostics.error("Unexpected value '\(scalar.literalString)'", at: scalar)
            return scalar
        case .expression:
            if info.context.isEmpty {
                diagnostics.error("A template expression is not allowed in this context", at: scalar)
            }
            return scalar
        case .sequence, .mapping:
            return scalar
        }
    }

    /// Recognises `${{ }}` in a string scalar, checking each expression. Returns the token unchanged
    /// when it has no expression or an expression is invalid (the problem is reported).
    private func parseScalar(_ token: Token, _ info: DefinitionInfo) -> Token {
        guard case .string(let raw, nil) = token.kind else { return token }
        switch TemplateScanner.scan(raw, context: info.context) {
        case .literal:
            return token
        case .failure(let messages):
            for message in messages { diagnostics.error(message, at: token) }
            return token
        case .escapedLiteral(let value):
            return Token(.string(value, source: raw), line: token.line, column: token.column)
        case .expression(let expression):
            return Token(.expression(expression), line: token.line, column: token.column)
        }
    }
}
