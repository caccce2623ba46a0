import Foundation
import Yams

/// Turns YAML text into `Token`s using Yams at the `Node` level, applying GitHub's rules:
/// YAML 1.2 core schema for untagged scalars, only the core tags (`!!str`, `!!int`, `!!float`,
/// `!!bool`, `!!null`, `!!seq`, `!!map`) allowed, no anchors or aliases, duplicate keys left for
/// the template reader to report ("'x' is already defined"), and GitHub's size and depth limits.
struct YAMLLoader {
    let limits: ReaderLimits
    let diagnostics: Diagnostics
    /// The error reported for a document with no content.
    var emptyDocumentMessage = "The workflow file is empty"

    /// A character inserted in front of the first of two duplicate keys so Yams (which rejects
    /// duplicate keys outright) composes the document; it is removed again below.
    private static let sentinel: Character = "\u{E000}"
    private static let sentinelScalar: Unicode.Scalar = "\u{E000}"

    /// Positions where a sentinel was inserted (line, column), to undo the column shift.
    private var insertions: [(line: Int, column: Int)] = []
    private var depth = 0
    private var reportedAnchors = Set<String>()
    /// The running result size (GitHub counts it across a workflow and the workflows it calls).
    private(set) var bytes: Int
    /// True when a size or depth limit stopped the read.
    private(set) var failedLimit = false

    init(limits: ReaderLimits, diagnostics: Diagnostics, bytes: Int = 0) {
        self.limits = limits
        self.diagnostics = diagnostics
        self.bytes = bytes
    }

    /// Loads the document; nil when it could not be read at all (errors are recorded).
    mutating func load(_ yaml: String) -> Token? {
        if let maxFileSize = limits.maxFileSize, yaml.utf16.count > maxFileSize {
            diagnostics.fileError("The maximum file size of \(maxFileSize) characters has been exceeded")
            return nil
        }
        var text = yaml
        for _ in 0..<1000 {
            do {
                let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
                let root = try parser.singleRoot()
                // Anchors are weak references owned by the parser: inspect the tree while it lives.
                return withExtendedLifetime(parser) { () -> Token? in
                    guard let root else {
                        diagnostics.error(emptyDocumentMessage, line: 1, column: 1)
                        return nil
                    }
                    if let fileName = limits.fileNameForSize {
                        bytes += 26 + fileName.utf16.count * 2
                    }
                    let token = convert(root)
                    return failedLimit ? nil : token
                }
            } catch YamlError.duplicatedKeysInMapping(_, let context) {
                guard let patched = Self.insertSentinel(into: text, at: context.mark) else {
                    diagnostics.error("Duplicate key in mapping", line: context.mark.line, column: context.mark.column)
                    return nil
                }
                insertions.append((context.mark.line, context.mark.column))
                text = patched
            } catch let error as YamlError {
                report(error)
                return nil
            } catch {
                diagnostics.fileError("\(error)")
                return nil
            }
        }
        diagnostics.fileError("Too many duplicate keys")
        return nil
    }

    // MARK: - Conversion

    private mutating func convert(_ node: Node) -> Token {
        let (line, column) = position(node.mark)
        if let anchor = node.anchor, reportedAnchors.insert(anchor.rawValue).inserted {
            diagnostics.fileError("Anchors are not currently supported. Remove the anchor '\(anchor.rawValue)'")
        }
        switch node {
        case .scalar(let scalar):
            bytes += 24
            let kind = scalarKind(scalar, line: line, column: column)
            if case .string(let value, _) = kind { bytes += 26 + value.utf16.count * 2 }
            checkBytes()
            return Token(kind, line: line, column: column)
        case .sequence(let sequence):
            checkCollectionTag(sequence.tag, expected: .seq)
            enter()
            bytes += 24
            checkBytes()
            var items: [Token] = []
            items.reserveCapacity(sequence.count)
            for item in sequence where !failedLimit {
                items.append(convert(item))
            }
            depth -= 1
            return Token(.sequence(items), line: line, column: column)
        case .mapping(let mapping):
            checkCollectionTag(mapping.tag, expected: .map)
            enter()
            bytes += 24
            checkBytes()
            var pairs: [TokenPair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping where !failedLimit {
                var keyToken = convert(key)
                if case .string(let string, let source) = keyToken.kind, string.unicodeScalars.first == Self.sentinelScalar {
                    keyToken.kind = .string(String(string.unicodeScalars.dropFirst()), source: source)
                }
                pairs.append(TokenPair(key: keyToken, value: convert(value)))
            }
            depth -= 1
            return Token(.mapping(pairs), line: line, column: column)
        case .alias:
            // Yams resolves aliases while composing; an alias needs an anchor, which is reported.
            return Token(.null, line: line, column: column)
        }
    }

    private mutating func enter() {
        depth += 1
        if depth > limits.maxDepth, !failedLimit {
            failedLimit = true
            diagnostics.fileError("Maximum object depth exceeded")
        }
    }

    private mutating func checkBytes() {
        if let maxBytes = limits.maxResultSize, bytes > maxBytes, !failedLimit {
            failedLimit = true
            diagnostics.fileError("Maximum object size exceeded")
        }
    }

    private func checkCollectionTag(_ tag: Tag, expected: Tag.Name) {
        let name = Tag.Name(rawValue: tag.description)
        if name == .implicit || name == .nonSpecific || name == expected { return }
        diagnostics.fileError("Unexpected tag '\(name.rawValue)'")
    }

    private func scalarKind(_ scalar: Node.Scalar, line: Int, column: Int) -> Token.Kind {
        let text = scalar.string
        let tag = Tag.Name(rawValue: scalar.tag.description)
        if tag == .implicit {
            return CoreSchema.resolvePlain(text)
        }
        if tag == .str || tag == .nonSpecific {
            return .string(text, source: nil)
        }
        let typed: Token.Kind?
        switch tag {
        case .null: typed = CoreSchema.isNull(text) ? .null : nil
        case .bool: typed = CoreSchema.bool(text).map { .bool($0) }
        case .int: typed = CoreSchema.integer(text).map { .number($0) }
        case .float: typed = (CoreSchema.integer(text) ?? CoreSchema.float(text)).map { .number($0) }
        default:
            diagnostics.fileError("Unexpected tag '\(tag.rawValue)'")
            return .string(text, source: nil)
        }
        if scalar.style != .plain && scalar.style != .any {
            diagnostics.fileError(
                "The scalar style '\(Self.styleName(scalar.style))' on line \(line) and column \(column) is not valid with the tag '\(tag.rawValue)'")
            return .string(text, source: nil)
        }
        guard let typed else {
            diagnostics.fileError("The value '\(text)' on line \(line) and column \(column) is invalid for the type '\(tag.rawValue)'")
            return .string(text, source: nil)
        }
        return typed
    }

    private static func styleName(_ style: Node.Scalar.Style) -> String {
        switch style {
        case .any, .plain: return "Plain"
        case .singleQuoted: return "SingleQuoted"
        case .doubleQuoted: return "DoubleQuoted"
        case .literal: return "Literal"
        case .folded: return "Folded"
        }
    }

    // MARK: - Positions and errors

    private func position(_ mark: Mark?) -> (Int, Int) {
        guard let mark else { return (1, 1) }
        guard !insertions.isEmpty else { return (mark.line, mark.column) }
        var column = mark.column
        for insertion in insertions where insertion.line == mark.line && insertion.column < mark.column {
            column -= 1
        }
        return (mark.line, column)
    }

    private func report(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let (line, column) = position(mark)
            diagnostics.error(Self.describe(problem: problem, context: context), line: line, column: column)
        case .reader(let problem, _, _, _):
            diagnostics.fileError("Invalid YAML: \(problem)")
        default:
            diagnostics.fileError("Invalid YAML: \(error)")
        }
    }

    /// libyaml's problem and context as a sentence: "While parsing a block mapping, did not find expected key."
    private static func describe(problem: String, context: YamlError.Context?) -> String {
        var sentence = problem
        if let context, !context.text.isEmpty {
            sentence = context.text + ", " + problem
        }
        return sentence.prefix(1).uppercased() + sentence.dropFirst() + (sentence.hasSuffix(".") ? "" : ".")
    }

    /// Inserts the sentinel at the start of the key at `mark` (inside its quotes, if quoted).
    private static func insertSentinel(into text: String, at mark: Mark) -> String? {
        var scalars = Array(text.unicodeScalars)
        var line = 1
        var index = 0
        while line < mark.line, index < scalars.count {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }
        index += mark.column - 1
        guard line == mark.line, index < scalars.count else { return nil }
        if scalars[index] == "'" || scalars[index] == "\"" { index += 1 }
        scalars.insert(sentinelScalar, at: index)
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }
}

/// The size and depth limits GitHub applies while reading.
struct ReaderLimits: Sendable {
    var maxFileSize: Int?
    var maxDepth: Int
    var maxResultSize: Int?
    /// The file name counted into the result size (GitHub counts its file table).
    var fileNameForSize: String?
}
