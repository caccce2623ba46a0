/// A workflow command found in a line of step output.
///
/// Two syntaxes are recognised, as by actions/runner (`ActionCommand.TryParseV2`/`TryParse`):
///
/// - `::name key=value,key2=value2::data` — the line may start with whitespace; properties are
///   separated by `,`, split at their first `=`, and unescaped (`%0D` `%0A` `%3A` `%2C` `%25`);
///   the data is unescaped (`%0D` `%0A` `%25`).
/// - `##[name key=value;key2=value2]data` — the legacy form, found anywhere in the line;
///   properties are separated by `;`, and both properties and data unescape `%3B` `%0D` `%0A`
///   `%5D` `%25`.
///
/// Property names are compared ignoring case (a repeated name replaces the earlier value but keeps
/// its position). Properties without a name or without a value are dropped, like GitHub does.
public struct WorkflowCommand: Sendable, Equatable {
    /// One `key=value` property, in the order written.
    public struct Property: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The command name as written (`set-output`, `warning`, …).
    public var name: String
    /// The properties in the order written; keys are unique ignoring ASCII case.
    public var properties: [Property]
    /// The unescaped data after the command header.
    public var value: String
    /// Whether the line used the legacy `##[name]` syntax.
    public var isLegacy: Bool

    public init(name: String, properties: [Property] = [], value: String = "", isLegacy: Bool = false) {
        self.name = name
        self.properties = []
        self.value = value
        self.isLegacy = isLegacy
        for property in properties { setProperty(property.key, property.value) }
    }

    /// The value of a property, looked up ignoring case.
    public subscript(property key: String) -> String? {
        properties.first { Self.equalIgnoringASCIICase($0.key, key) }?.value
    }

    /// Sets a property, replacing one whose name differs only in case.
    public mutating func setProperty(_ key: String, _ value: String) {
        if let position = properties.firstIndex(where: { Self.equalIgnoringASCIICase($0.key, key) }) {
            properties[position].value = value
        } else {
            properties.append(Property(key: key, value: value))
        }
    }

    /// Whether the command's name is `name`, ignoring case.
    public func hasName(_ name: String) -> Bool { Self.equalIgnoringASCIICase(self.name, name) }

    /// The command in the modern `::` syntax, escaped so that `parse` gives it back.
    public var formatted: String {
        var text = "::" + name
        if !properties.isEmpty {
            text += " " + properties.map { "\($0.key)=\(Self.escapeProperty($0.value))" }.joined(separator: ",")
        }
        return text + "::" + Self.escapeData(value)
    }

    // MARK: - Parsing

    /// Parses `line`, accepting any non-empty command name.
    public static func parse(_ line: some StringProtocol) -> WorkflowCommand? {
        parse(line) { !$0.isEmpty }
    }

    /// Parses `line`, accepting only names for which `isRecognized` is true.
    ///
    /// As in the runner, the modern syntax is tried first; when it does not apply (or names an
    /// unrecognised command) the legacy `##[` syntax is looked for anywhere in the line.
    public static func parse(_ line: some StringProtocol, isRecognized: (String) -> Bool) -> WorkflowCommand? {
        let text = Substring(line)
        if let command = parseModern(text, isRecognized: isRecognized) { return command }
        return parseLegacy(text, isRecognized: isRecognized)
    }

    private static func parseModern(_ text: Substring, isRecognized: (String) -> Bool) -> WorkflowCommand? {
        var start = text.startIndex
        if let first = text.utf8.first, first == 0x20 || first == 0x09 || first >= 0x80 || (first >= 0x0A && first <= 0x0D) {
            start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        }
        let bytes = text[start...].utf8
        guard bytes.count >= 4, bytes.starts(with: [0x3A, 0x3A]) else { return nil }
        let all = Array(bytes)
        guard let end = find([0x3A, 0x3A], in: all, from: 2) else { return nil }
        let info = all[2..<end]
        let space = info.firstIndex(of: 0x20)
        let name = decode(info[info.startIndex..<(space ?? info.endIndex)])
        guard isRecognized(name) else { return nil }
        var command = WorkflowCommand(name: name)
        if let space, space > info.startIndex {
            let propertyText = trimASCIIWhitespace(info[(space + 1)...])
            for item in propertyText.split(separator: 0x2C, omittingEmptySubsequences: true) {
                if let (key, value) = splitProperty(item) {
                    command.setProperty(decode(key), unescape(value, mappings: propertyMappings))
                }
            }
        }
        command.value = unescape(all[(end + 2)...], mappings: dataMappings)
        return command
    }

    private static func parseLegacy(_ text: Substring, isRecognized: (String) -> Bool) -> WorkflowCommand? {
        guard containsLegacyPrefix(text.utf8) else { return nil }
        let all = Array(text.utf8)
        guard let prefix = find([0x23, 0x23, 0x5B], in: all, from: 0) else { return nil }
        guard let bracket = all[prefix...].firstIndex(of: 0x5D) else { return nil }
        let info = all[(prefix + 3)..<bracket]
        let space = info.firstIndex(of: 0x20)
        let name = decode(info[info.startIndex..<(space ?? info.endIndex)])
        guard isRecognized(name) else { return nil }
        var command = WorkflowCommand(name: name, isLegacy: true)
        if let space, space > info.startIndex {
            for item in info[(space + 1)...].split(separator: 0x3B, omittingEmptySubsequences: true) {
                if let (key, value) = splitProperty(item) {
                    command.setProperty(decode(key), unescape(value, mappings: legacyMappings))
                }
            }
        }
        command.value = unescape(all[(bracket + 1)...], mappings: legacyMappings)
        return command
    }

    /// Whether `##[` occurs, checked without copying the line (most lines are not commands).
    private static func containsLegacyPrefix(_ bytes: Substring.UTF8View) -> Bool {
        var hashes = 0
        for byte in bytes {
            if byte == 0x23 {
                hashes += 1
            } else {
                if byte == 0x5B && hashes >= 2 { return true }
                hashes = 0
            }
        }
        return false
    }

    /// `String.Split('=', count: 2, RemoveEmptyEntries)` as .NET does it: the key is the first
    /// non-empty run, the value everything after the `=` signs that follow it; nil when either is
    /// missing.
    private static func splitProperty(_ item: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        var index = item.startIndex
        while index < item.endIndex && item[index] == 0x3D { index += 1 }
        let keyStart = index
        while index < item.endIndex && item[index] != 0x3D { index += 1 }
        let key = item[keyStart..<index]
        while index < item.endIndex && item[index] == 0x3D { index += 1 }
        let value = item[index...]
        guard !key.isEmpty, !value.isEmpty else { return nil }
        return (key, value)
    }

    // MARK: - Escaping

    private typealias Mapping = (escaped: [UInt8], raw: [UInt8])

    private static let dataMappings: [Mapping] = [
        (Array("%0D".utf8), [0x0D]), (Array("%0A".utf8), [0x0A]), (Array("%25".utf8), [0x25]),
    ]
    private static let propertyMappings: [Mapping] = [
        (Array("%0D".utf8), [0x0D]), (Array("%0A".utf8), [0x0A]), (Array("%3A".utf8), [0x3A]),
        (Array("%2C".utf8), [0x2C]), (Array("%25".utf8), [0x25]),
    ]
    private static let legacyMappings: [Mapping] = [
        (Array("%3B".utf8), [0x3B]), (Array("%0D".utf8), [0x0D]), (Array("%0A".utf8), [0x0A]),
        (Array("%5D".utf8), [0x5D]), (Array("%25".utf8), [0x25]),
    ]

    /// Escapes command data: `%` → `%25`, CR → `%0D`, LF → `%0A`.
    public static func escapeData(_ text: String) -> String {
        escape(text, extra: [:])
    }

    /// Escapes a property value: as data, plus `:` → `%3A` and `,` → `%2C`.
    public static func escapeProperty(_ text: String) -> String {
        escape(text, extra: [0x3A: "%3A", 0x2C: "%2C"])
    }

    private static func escape(_ text: String, extra: [UInt8: String]) -> String {
        var result = [UInt8]()
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case 0x25: result.append(contentsOf: "%25".utf8)
            case 0x0D: result.append(contentsOf: "%0D".utf8)
            case 0x0A: result.append(contentsOf: "%0A".utf8)
            default:
                if let replacement = extra[byte] { result.append(contentsOf: replacement.utf8) } else { result.append(byte) }
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Applies the replacements one after the other over the whole text, like the runner's chain of
    /// `String.Replace` calls (ordinal, case-sensitive).
    private static func unescape(_ bytes: ArraySlice<UInt8>, mappings: [Mapping]) -> String {
        guard bytes.contains(0x25) else { return decode(bytes) }
        var current = Array(bytes)
        for mapping in mappings { current = replaceAll(mapping.escaped, with: mapping.raw, in: current) }
        return String(decoding: current, as: UTF8.self)
    }

    private static func replaceAll(_ pattern: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard var match = find(pattern, in: bytes, from: 0) else { return bytes }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count)
        var position = 0
        while true {
            result.append(contentsOf: bytes[position..<match])
            result.append(contentsOf: replacement)
            position = match + pattern.count
            guard let next = find(pattern, in: bytes, from: position) else { break }
            match = next
        }
        result.append(contentsOf: bytes[position...])
        return result
    }

    // MARK: - Helpers

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard pattern.count > 0 else { return nil }
        var index = max(start, bytes.startIndex)
        let last = bytes.endIndex - pattern.count
        while index <= last {
            if bytes[index] == pattern[0] {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    private static func trimASCIIWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        for (x, y) in zip(left, right) where x != y {
            let lx = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}
