import Foundation

/// An `::error`, `::warning` or `::notice` command, with its location checked the way
/// actions/runner does (`IssueCommandExtension.ValidateLinesAndColumns`).
///
/// Properties (names compared ignoring case): `file`, `line`, `endLine`, `col`, `endColumn`,
/// `title`. Numbers that do not parse are ignored. Then:
/// - `endLine` without `line` becomes `line` too; `endColumn` without `col` becomes `col` too;
/// - columns without a line are dropped;
/// - columns are dropped when `line` and `endLine` differ;
/// - `line`/`endLine` are dropped when `endLine < line`; columns when `endColumn < col`.
///
/// Making `file` relative to the workspace (and translating container paths) is the runner's job.
public struct WorkflowAnnotation: Sendable, Equatable {
    /// The annotation level, named like the command.
    public enum Level: String, Sendable, Equatable {
        case error
        case warning
        case notice
    }

    public var level: Level
    public var message: String
    public var title: String?
    public var file: String?
    public var line: Int?
    public var endLine: Int?
    public var column: Int?
    public var endColumn: Int?

    public init(
        level: Level, message: String, title: String? = nil, file: String? = nil,
        line: Int? = nil, endLine: Int? = nil, column: Int? = nil, endColumn: Int? = nil
    ) {
        self.level = level
        self.message = message
        self.title = title
        self.file = file
        self.line = line
        self.endLine = endLine
        self.column = column
        self.endColumn = endColumn
    }

    /// Reads an annotation from a parsed `error`/`warning`/`notice` command.
    public init(level: Level, command: WorkflowCommand) {
        self.level = level
        message = command.value
        title = command[property: "title"].flatMap { $0.isEmpty ? nil : $0 }
        file = command[property: "file"].flatMap { $0.isEmpty ? nil : $0 }

        var line = Self.integer(command[property: "line"])
        var endLine = Self.integer(command[property: "endLine"])
        var column = Self.integer(command[property: "col"])
        var endColumn = Self.integer(command[property: "endColumn"])
        let hasStartColumn = column != nil
        let hasEndColumn = endColumn != nil
        let hasColumn = hasStartColumn || hasEndColumn

        if endLine != nil && line == nil { line = endLine }
        if endColumn != nil && column == nil { column = endColumn }
        if line == nil && hasColumn {
            column = nil
            endColumn = nil
        }
        if let end = endLine, line != end, hasColumn {
            column = nil
            endColumn = nil
        }
        if let start = line, let end = endLine, end < start {
            line = nil
            endLine = nil
        }
        if hasStartColumn && hasEndColumn, let start = column, let end = endColumn, end < start {
            column = nil
            endColumn = nil
        }
        self.line = line
        self.endLine = endLine
        self.column = column
        self.endColumn = endColumn
    }

    /// `int.TryParse`: optional surrounding whitespace and sign, decimal digits.
    private static func integer(_ text: String?) -> Int? {
        guard let text else { return nil }
        return Int(text.trimmingCharacters(in: .whitespaces))
    }
}
