import Foundation

/// Identifies one job instance of a run (one matrix combination of one workflow job).
public struct JobKey: Sendable, Hashable, CustomStringConvertible {
    /// The job's id in the workflow (`build`).
    public var jobID: String
    /// The name shown to people (`build (linux, 20)`).
    public var displayName: String
    /// The workflow file the job comes from, for runs spanning several workflows.
    public var workflow: String
    /// Position in the job's matrix, when it has one.
    public var matrixIndex: Int?

    public init(jobID: String, displayName: String, workflow: String, matrixIndex: Int? = nil) {
        self.jobID = jobID
        self.displayName = displayName
        self.workflow = workflow
        self.matrixIndex = matrixIndex
    }

    public var description: String { displayName }
}

/// Identifies a step within a job instance.
public struct StepKey: Sendable, Hashable {
    /// The stage of an action: `pre` and `post` run outside the main sequence.
    public enum Stage: String, Sendable { case pre, main, post }

    /// Position of the step in the job's `steps:` list.
    public var index: Int
    /// The step's `id:` or generated id (`__run`).
    public var id: String
    /// The evaluated display name (`Run echo hi`).
    public var name: String
    public var stage: Stage

    public init(index: Int, id: String, name: String, stage: Stage = .main) {
        self.index = index
        self.id = id
        self.name = name
        self.stage = stage
    }
}

/// The result of a step or job, named as GitHub names conclusions.
public enum Conclusion: String, Sendable, Codable {
    case success, failure, cancelled, skipped
}

/// One line of a job's log, already masked.
public struct LogLine: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Output of a step's process.
        case output
        /// A message from Hearth itself (set-up, notices about the run).
        case info
        /// `::debug::` output (shown only with step debug logging on).
        case debug
        /// `::group::title` opens a fold; `::endgroup::` closes it.
        case groupStart
        case groupEnd
        /// The echo of a command Hearth is about to run (the script of a `run:` step).
        case command
        /// `::error` / `::warning` / `::notice`, with the location properties.
        case annotation(Annotation)
    }

    public var time: Date
    public var kind: Kind
    public var text: String

    public init(time: Date = Date(), kind: Kind = .output, text: String) {
        self.time = time
        self.kind = kind
        self.text = text
    }
}

/// Annotations in the log are the `::error`/`::warning`/`::notice` model of the Commands folder.
public typealias Annotation = WorkflowAnnotation

extension LogLine {
    /// An annotation line whose message is `text`.
    public static func annotation(_ level: Annotation.Level, _ text: String) -> LogLine {
        LogLine(kind: .annotation(Annotation(level: level, message: text)), text: text)
    }

    public static func error(_ text: String) -> LogLine { annotation(.error, text) }
    public static func warning(_ text: String) -> LogLine { annotation(.warning, text) }
}

/// What happens during a run, in order per job. Reporters (console, JSON, Forgejo) consume these.
public enum RunEvent: Sendable {
    /// A job instance begins; `steps` lists its steps up front (reporters that show a fixed step
    /// list, like Forgejo's, need them before any runs).
    case jobStarted(JobKey, steps: [StepKey], at: Date)
    /// A log line of the job; `step` is nil for set-up and completion output.
    case log(JobKey, step: StepKey?, LogLine)
    case stepStarted(JobKey, StepKey, at: Date)
    /// `outcome` is the step's own result; `conclusion` is it after `continue-on-error`.
    case stepFinished(JobKey, StepKey, outcome: Conclusion, conclusion: Conclusion, duration: Duration)
    /// A job whose `if:` was false, or whose needs failed, never starts.
    case jobSkipped(JobKey, reason: String)
    case jobFinished(JobKey, result: Conclusion, outputs: [String: String], duration: Duration)
    /// The step summary (`GITHUB_STEP_SUMMARY`) a step wrote, as Markdown.
    case stepSummary(JobKey, StepKey, markdown: String)
}

/// Receives run events. Calls arrive from many tasks at once; implementations serialise what they
/// need and must not block for long.
public protocol EventSink: Sendable {
    func receive(_ event: RunEvent)
}

/// Sends every event to several sinks in turn.
public struct FanOutSink: EventSink {
    public var sinks: [any EventSink]
    public init(_ sinks: [any EventSink]) { self.sinks = sinks }
    public func receive(_ event: RunEvent) {
        for sink in sinks { sink.receive(event) }
    }
}
