import Engine
import Foundation
import ForgejoProtocol
import SwiftProtobuf

/// Turns one job's run events into Forgejo's log layout (§3.6 of the protocol notes): one
/// append-only row sequence in which every step's rows form one contiguous block, in step order.
///
/// - Rows before the first step starts (set-up, `pre:` stages) belong to "Set up job".
/// - A step's `log_index` is fixed at its first row; `log_length` counts its rows; a step without
///   output gets the offset at its completion and length 0.
/// - While a step runs, rows that belong to anything else are dropped.
/// - After the last step (post stages, clean-up) rows are appended again: "Complete job".
///
/// Not thread-safe: the reporter serialises access.
struct TaskLog {
    /// Every row produced so far, in order (the reporter keeps track of what was acknowledged).
    private(set) var rowCount: Int64 = 0
    private(set) var steps: [Runner_V1_StepState]
    /// The main step currently running, by index.
    private var current: Int?
    /// Rows not yet handed to the reporter.
    private var pending: [Runner_V1_LogRow] = []
    private(set) var startedAt: Date?
    private(set) var outputs: [String: String] = [:]
    private(set) var result: Runner_V1_Result = .unspecified
    let stepDebug: Bool

    init(stepCount: Int, stepDebug: Bool = false) {
        steps = (0..<stepCount).map { index in
            var state = Runner_V1_StepState()
            state.id = Int64(index)
            return state
        }
        self.stepDebug = stepDebug
    }

    /// Rows produced since the last call.
    mutating func takeRows() -> [Runner_V1_LogRow] {
        defer { pending = [] }
        return pending
    }

    /// Adds a row that is not a step's (set-up or completion messages from the runner itself).
    mutating func appendJobRow(_ text: String, at time: Date = Date()) {
        guard current == nil else { return }
        append(text, at: time)
    }

    mutating func apply(_ event: RunEvent) {
        switch event {
        case .jobStarted(_, let keys, let time):
            startedAt = startedAt ?? time
            if steps.count < keys.count {
                for index in steps.count..<keys.count {
                    var state = Runner_V1_StepState()
                    state.id = Int64(index)
                    steps.append(state)
                }
            }
        case .jobSkipped(_, let reason):
            append("Job skipped: \(reason)", at: Date())
            finish(.skipped)
        case .stepStarted(_, let key, let time):
            guard key.stage == .main, steps.indices.contains(key.index) else { return }
            current = key.index
            steps[key.index].startedAt = Google_Protobuf_Timestamp(date: time)
            steps[key.index].logIndex = rowCount
            steps[key.index].logLength = 0
        case .log(_, let key, let line):
            guard let text = Self.render(line, debug: stepDebug) else { return }
            if let key, key.stage == .main, let current, key.index == current {
                append(text, at: line.time)
                steps[current].logLength += 1
            } else if current == nil && (key == nil || key?.stage != .main) {
                append(text, at: line.time)
            }
            // Anything else while a step runs would break the layout: dropped, as forgejo-runner does.
        case .stepFinished(_, let key, let outcome, let conclusion, _):
            guard key.stage == .main, steps.indices.contains(key.index) else { return }
            let now = Google_Protobuf_Timestamp(date: Date())
            if current != key.index {
                // Skipped (never started): no rows, placed at the current end.
                steps[key.index].logIndex = rowCount
                steps[key.index].logLength = 0
                if outcome != .skipped { steps[key.index].startedAt = now }
            }
            // The step's own outcome (a continue-on-error failure shows as failed, as on GitHub).
            _ = conclusion
            steps[key.index].result = Self.result(outcome)
            steps[key.index].stoppedAt = now
            current = nil
        case .stepSummary:
            break
        case .jobFinished(_, let result, let outputs, _):
            self.outputs = outputs
            finish(result)
        }
    }

    /// Marks the job finished: steps that never finished become CANCELLED (SKIPPED when the
    /// whole job was skipped).
    mutating func finish(_ conclusion: Conclusion) {
        current = nil
        result = Self.result(conclusion)
        let fill: Runner_V1_Result = conclusion == .skipped ? .skipped : .cancelled
        for index in steps.indices where steps[index].result == .unspecified {
            steps[index].result = fill
            if !steps[index].hasStoppedAt && steps[index].hasStartedAt { steps[index].stoppedAt = Google_Protobuf_Timestamp(date: Date()) }
        }
    }

    private mutating func append(_ text: String, at time: Date) {
        var row = Runner_V1_LogRow()
        row.time = Google_Protobuf_Timestamp(date: time)
        row.content = Self.clean(text)
        pending.append(row)
        rowCount += 1
    }

    /// A log line as forgejo-runner writes it: groups as `##[group]`, annotations as the workflow
    /// command that produced them; nil for lines that are not shown.
    static func render(_ line: LogLine, debug: Bool) -> String? {
        switch line.kind {
        case .output, .info: return line.text
        case .command: return nil
        case .debug: return debug ? line.text : nil
        case .groupStart: return "##[group]\(line.text)"
        case .groupEnd: return "##[endgroup]"
        case .annotation(let annotation):
            var properties: [String] = []
            if let file = annotation.file { properties.append("file=\(WorkflowCommand.escapeProperty(file))") }
            if let value = annotation.line { properties.append("line=\(value)") }
            if let value = annotation.endLine { properties.append("endLine=\(value)") }
            if let value = annotation.column { properties.append("col=\(value)") }
            if let value = annotation.endColumn { properties.append("endColumn=\(value)") }
            if let title = annotation.title { properties.append("title=\(WorkflowCommand.escapeProperty(title))") }
            let head = properties.isEmpty ? annotation.level.rawValue : "\(annotation.level.rawValue) \(properties.joined(separator: ","))"
            return "::\(head)::\(WorkflowCommand.escapeData(line.text))"
        }
    }

    /// Trailing CR/LF stripped (the server escapes inner newlines itself).
    static func clean(_ text: String) -> String {
        var result = Substring(text)
        while let last = result.last, last == "\n" || last == "\r" { result = result.dropLast() }
        return String(result)
    }

    static func result(_ conclusion: Conclusion) -> Runner_V1_Result {
        switch conclusion {
        case .success: return .success
        case .failure: return .failure
        case .cancelled: return .cancelled
        case .skipped: return .skipped
        }
    }
}
