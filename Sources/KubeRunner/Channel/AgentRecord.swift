import Engine
import Foundation

/// One thing the agent tells the controller about its job, in order. The controller replays
/// records into the task's Forgejo reporter, so the log rows and step states Forgejo sees are the
/// same whichever controller (or how many, one after another) received them.
public enum AgentRecord: Sendable, Equatable {
    /// The first record: what the reporter must know before any event.
    case begin(stepCount: Int, stepDebug: Bool)
    case event(RunEvent)
    case note(String)
    /// The job ended; nothing follows.
    case finish(result: Conclusion, message: String?)

    public static func == (lhs: AgentRecord, rhs: AgentRecord) -> Bool {
        lhs.wire == rhs.wire
    }
}

/// The records of one upload, starting at sequence number `from`.
public struct AgentUpload: Codable, Sendable {
    public var from: Int
    public var records: [AgentRecord]

    public init(from: Int, records: [AgentRecord]) {
        self.from = from
        self.records = records
    }
}

// MARK: - Wire form

extension AgentRecord: Codable {
    public init(from decoder: any Decoder) throws {
        self = try WireRecord(from: decoder).record()
    }

    public func encode(to encoder: any Encoder) throws {
        try wire.encode(to: encoder)
    }

    var wire: WireRecord { WireRecord(self) }
}

/// A flat, versionable JSON shape for records (`kind` says which fields are set).
struct WireRecord: Codable, Equatable {
    var kind: String
    var stepCount: Int?
    var stepDebug: Bool?
    var text: String?
    var result: String?
    var job: WireJobKey?
    var step: WireStepKey?
    var line: WireLogLine?
    var at: Double?
    var steps: [WireStepKey]?
    var outcome: String?
    var conclusion: String?
    var seconds: Double?
    var outputs: [String: String]?

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    init(kind: String) { self.kind = kind }

    init(_ record: AgentRecord) {
        switch record {
        case .begin(let stepCount, let stepDebug):
            self.init(kind: "begin")
            self.stepCount = stepCount
            self.stepDebug = stepDebug
        case .note(let text):
            self.init(kind: "note")
            self.text = text
        case .finish(let result, let message):
            self.init(kind: "finish")
            self.result = result.rawValue
            self.text = message
        case .event(let event):
            self.init(event)
        }
    }

    init(_ event: RunEvent) {
        switch event {
        case .jobStarted(let job, let steps, let at):
            self.init(kind: "jobStarted")
            self.job = WireJobKey(job)
            self.steps = steps.map(WireStepKey.init)
            self.at = at.timeIntervalSince1970
        case .log(let job, let step, let line):
            self.init(kind: "log")
            self.job = WireJobKey(job)
            self.step = step.map(WireStepKey.init)
            self.line = WireLogLine(line)
        case .stepStarted(let job, let step, let at):
            self.init(kind: "stepStarted")
            self.job = WireJobKey(job)
            self.step = WireStepKey(step)
            self.at = at.timeIntervalSince1970
        case .stepFinished(let job, let step, let outcome, let conclusion, let duration):
            self.init(kind: "stepFinished")
            self.job = WireJobKey(job)
            self.step = WireStepKey(step)
            self.outcome = outcome.rawValue
            self.conclusion = conclusion.rawValue
            self.seconds = duration.seconds
        case .jobSkipped(let job, let reason):
            self.init(kind: "jobSkipped")
            self.job = WireJobKey(job)
            self.text = reason
        case .jobFinished(let job, let result, let outputs, let duration):
            self.init(kind: "jobFinished")
            self.job = WireJobKey(job)
            self.result = result.rawValue
            self.outputs = outputs
            self.seconds = duration.seconds
        case .stepSummary(let job, let step, let markdown):
            self.init(kind: "stepSummary")
            self.job = WireJobKey(job)
            self.step = WireStepKey(step)
            self.text = markdown
        }
    }

    func record() throws -> AgentRecord {
        func need<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw Malformed(description: "a '\(kind)' record lacks '\(field)'") }
            return value
        }
        func parse(_ text: String?, _ field: String) throws -> Conclusion {
            guard let value = Conclusion(rawValue: try need(text, field)) else { throw Malformed(description: "unknown \(field) '\(text ?? "")'") }
            return value
        }
        switch kind {
        case "begin": return .begin(stepCount: try need(stepCount, "stepCount"), stepDebug: stepDebug ?? false)
        case "note": return .note(try need(text, "text"))
        case "finish": return .finish(result: try parse(result, "result"), message: text)
        case "jobStarted":
            return .event(.jobStarted(try need(job, "job").key, steps: try need(steps, "steps").map(\.key), at: Date(timeIntervalSince1970: try need(at, "at"))))
        case "log":
            return .event(.log(try need(job, "job").key, step: step?.key, try need(line, "line").logLine()))
        case "stepStarted":
            return .event(.stepStarted(try need(job, "job").key, try need(step, "step").key, at: Date(timeIntervalSince1970: try need(at, "at"))))
        case "stepFinished":
            return .event(.stepFinished(
                try need(job, "job").key, try need(step, "step").key, outcome: try parse(outcome, "outcome"),
                conclusion: try parse(conclusion, "conclusion"), duration: .seconds(seconds ?? 0)))
        case "jobSkipped": return .event(.jobSkipped(try need(job, "job").key, reason: text ?? ""))
        case "jobFinished":
            return .event(.jobFinished(try need(job, "job").key, result: try parse(result, "result"), outputs: outputs ?? [:], duration: .seconds(seconds ?? 0)))
        case "stepSummary": return .event(.stepSummary(try need(job, "job").key, try need(step, "step").key, markdown: try need(text, "text")))
        default: throw Malformed(description: "unknown record kind '\(kind)'")
        }
    }
}

struct WireJobKey: Codable, Equatable {
    var jobID: String
    var displayName: String
    var workflow: String
    var matrixIndex: Int?

    init(_ key: JobKey) {
        jobID = key.jobID
        displayName = key.displayName
        workflow = key.workflow
        matrixIndex = key.matrixIndex
    }

    var key: JobKey { JobKey(jobID: jobID, displayName: displayName, workflow: workflow, matrixIndex: matrixIndex) }
}

struct WireStepKey: Codable, Equatable {
    var index: Int
    var id: String
    var name: String
    var stage: String

    init(_ key: StepKey) {
        index = key.index
        id = key.id
        name = key.name
        stage = key.stage.rawValue
    }

    var key: StepKey { StepKey(index: index, id: id, name: name, stage: StepKey.Stage(rawValue: stage) ?? .main) }
}

struct WireLogLine: Codable, Equatable {
    var time: Double
    var kind: String
    var text: String
    var level: String?
    var message: String?
    var title: String?
    var file: String?
    var line: Int?
    var endLine: Int?
    var column: Int?
    var endColumn: Int?

    init(_ logLine: LogLine) {
        time = logLine.time.timeIntervalSince1970
        text = logLine.text
        switch logLine.kind {
        case .output: kind = "output"
        case .info: kind = "info"
        case .debug: kind = "debug"
        case .groupStart: kind = "groupStart"
        case .groupEnd: kind = "groupEnd"
        case .command: kind = "command"
        case .annotation(let annotation):
            kind = "annotation"
            level = annotation.level.rawValue
            message = annotation.message
            title = annotation.title
            file = annotation.file
            line = annotation.line
            endLine = annotation.endLine
            column = annotation.column
            endColumn = annotation.endColumn
        }
    }

    func logLine() throws -> LogLine {
        let lineKind: LogLine.Kind
        switch kind {
        case "output": lineKind = .output
        case "info": lineKind = .info
        case "debug": lineKind = .debug
        case "groupStart": lineKind = .groupStart
        case "groupEnd": lineKind = .groupEnd
        case "command": lineKind = .command
        case "annotation":
            let annotation = WorkflowAnnotation(
                level: WorkflowAnnotation.Level(rawValue: level ?? "") ?? .notice, message: message ?? text, title: title, file: file, line: line,
                endLine: endLine, column: column, endColumn: endColumn)
            lineKind = .annotation(annotation)
        default: throw WireRecord.Malformed(description: "unknown log line kind '\(kind)'")
        }
        return LogLine(time: Date(timeIntervalSince1970: time), kind: lineKind, text: text)
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
