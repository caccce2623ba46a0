import Engine
import Foundation
import Synchronization

/// Writes run events as JSON, one object per line (`hearth exec --json`), for tools and tests.
///
/// Every object has `event` and `job` (display name) and `jobID`; step events add `step`
/// (index), `stepName` and `stage`; logs add `kind` and `text`; results add `result`,
/// `outcome`, `conclusion`, `outputs` and `durationSeconds`.
final class JSONEventReporter: EventSink {
    private let output: FileHandle
    private let lock = Mutex(())

    init(output: FileHandle = .standardOutput) {
        self.output = output
    }

    func receive(_ event: RunEvent) {
        var object: [String: Any] = [:]
        func job(_ key: JobKey) {
            object["job"] = key.displayName
            object["jobID"] = key.jobID
            object["workflow"] = key.workflow
            if let index = key.matrixIndex { object["matrixIndex"] = index }
        }
        func step(_ key: StepKey) {
            object["step"] = key.index
            object["stepID"] = key.id
            object["stepName"] = key.name
            object["stage"] = key.stage.rawValue
        }
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        switch event {
        case .jobStarted(let key, let steps, let time):
            object["event"] = "jobStarted"
            job(key)
            object["steps"] = steps.map(\.name)
            object["time"] = time.timeIntervalSince1970
        case .jobSkipped(let key, let reason):
            object["event"] = "jobSkipped"
            job(key)
            object["reason"] = reason
        case .stepStarted(let key, let stepKey, let time):
            object["event"] = "stepStarted"
            job(key)
            step(stepKey)
            object["time"] = time.timeIntervalSince1970
        case .log(let key, let stepKey, let line):
            object["event"] = "log"
            job(key)
            if let stepKey { step(stepKey) }
            object["text"] = line.text
            object["time"] = line.time.timeIntervalSince1970
            switch line.kind {
            case .output: object["kind"] = "output"
            case .info: object["kind"] = "info"
            case .debug: object["kind"] = "debug"
            case .groupStart: object["kind"] = "group"
            case .groupEnd: object["kind"] = "endgroup"
            case .command: object["kind"] = "command"
            case .annotation(let annotation):
                object["kind"] = annotation.level.rawValue
                if let file = annotation.file { object["file"] = file }
                if let line = annotation.line { object["line"] = line }
                if let column = annotation.column { object["col"] = column }
                if let title = annotation.title { object["title"] = title }
            }
        case .stepFinished(let key, let stepKey, let outcome, let conclusion, let duration):
            object["event"] = "stepFinished"
            job(key)
            step(stepKey)
            object["outcome"] = outcome.rawValue
            object["conclusion"] = conclusion.rawValue
            object["durationSeconds"] = seconds(duration)
        case .stepSummary(let key, let stepKey, let markdown):
            object["event"] = "stepSummary"
            job(key)
            step(stepKey)
            object["markdown"] = markdown
        case .jobFinished(let key, let result, let outputs, let duration):
            object["event"] = "jobFinished"
            job(key)
            object["result"] = result.rawValue
            object["outputs"] = outputs
            object["durationSeconds"] = seconds(duration)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(UInt8(ascii: "\n"))
        lock.withLock { _ in output.write(data) }
    }
}
