import Engine
import Foundation
import Synchronization

/// Prints run events for people: one `[job]` prefix per line, step start and end with durations,
/// groups indented under their title, annotations highlighted, and a table of job results at the end.
final class ConsoleReporter: EventSink {
    private struct JobView {
        var groupDepth = 0
    }

    private struct State {
        var jobs: [JobKey: JobView] = [:]
        var results: [(JobKey, Conclusion, Duration?)] = []
        var summaries: [(JobKey, String)] = []
    }

    private let state = Mutex(State())
    private let output: FileHandle
    private let colors: Bool
    private let showCommands: Bool
    /// Prefix job names with their workflow's name when several workflows run together.
    private let workflowNames: [String: String]?

    init(output: FileHandle = .standardOutput, showCommands: Bool = false, workflowNames: [String: String]? = nil) {
        self.output = output
        self.showCommands = showCommands
        self.workflowNames = workflowNames
        colors = isatty(output.fileDescriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func receive(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .jobStarted(let job, _, _):
                state.jobs[job] = JobView()
                write(job, paint("▶ Job \(job.displayName)", .bold))
            case .jobSkipped(let job, let reason):
                state.results.append((job, .skipped, nil))
                write(job, paint("- Job skipped: \(reason)", .dim))
            case .stepStarted(let job, let step, _):
                write(job, paint("▶ \(step.name)", .bold))
            case .log(let job, _, let line):
                let depth = state.jobs[job]?.groupDepth ?? 0
                switch line.kind {
                case .groupStart:
                    write(job, String(repeating: "  ", count: depth + 1) + paint("▸ \(line.text)", .bold))
                    state.jobs[job, default: JobView()].groupDepth += 1
                case .groupEnd:
                    state.jobs[job, default: JobView()].groupDepth = max(0, depth - 1)
                case .command:
                    if showCommands { write(job, String(repeating: "  ", count: depth + 1) + paint("$ \(line.text)", .dim)) }
                case .debug:
                    write(job, String(repeating: "  ", count: depth + 1) + paint("debug: \(line.text)", .dim))
                case .annotation(let annotation):
                    write(job, String(repeating: "  ", count: depth + 1) + paint(Self.describe(annotation, line.text), annotation.level == .error ? .red : .yellow))
                case .info:
                    write(job, String(repeating: "  ", count: depth + 1) + paint(line.text, .dim))
                case .output:
                    write(job, String(repeating: "  ", count: depth + 1) + line.text)
                }
            case .stepFinished(let job, let step, let outcome, let conclusion, let duration):
                state.jobs[job, default: JobView()].groupDepth = 0
                switch outcome {
                case .success:
                    write(job, paint("✓ \(step.name)", .green) + paint(" [\(Self.format(duration))]", .dim))
                case .skipped:
                    write(job, paint("- \(step.name) (skipped)", .dim))
                case .failure where conclusion == .success:
                    write(job, paint("✗ \(step.name) (failed, continue-on-error)", .yellow) + paint(" [\(Self.format(duration))]", .dim))
                case .failure, .cancelled:
                    write(job, paint("✗ \(step.name) (\(outcome.rawValue))", .red) + paint(" [\(Self.format(duration))]", .dim))
                }
            case .stepSummary(let job, _, let markdown):
                state.summaries.append((job, markdown))
            case .jobFinished(let job, let result, _, let duration):
                state.results.append((job, result, duration))
                let text = "\(result == .success ? "✓" : "✗") Job \(job.displayName) \(Self.verb(result))"
                write(job, paint(text, result == .success ? .green : .red) + paint(" [\(Self.format(duration))]", .dim))
            }
        }
    }

    /// Prints step summaries and the table of job results.
    func printSummary() {
        state.withLock { state in
            for (job, markdown) in state.summaries {
                emit("\n" + paint("Summary of \(job.displayName):", .bold))
                emit(markdown.hasSuffix("\n") ? String(markdown.dropLast()) : markdown)
            }
            guard !state.results.isEmpty else { return }
            let names = state.results.map { label(for: $0.0) }
            let width = max(3, names.map(\.count).max() ?? 0)
            emit("")
            emit(paint("Job".padding(toLength: width, withPad: " ", startingAt: 0) + "  Result     Duration", .bold))
            for ((_, result, duration), name) in zip(state.results, names) {
                let color: Color = result == .success ? .green : result == .skipped ? .dim : .red
                let line = name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + paint(result.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0), color) + "  " + (duration.map(Self.format) ?? "-")
                emit(line)
            }
        }
    }

    // MARK: - Formatting

    private enum Color: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33"
    }

    private func paint(_ text: String, _ color: Color) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func label(for job: JobKey) -> String {
        if let workflowNames, let name = workflowNames[job.workflow] { return "\(name)/\(job.displayName)" }
        return job.displayName
    }

    /// One line per line of `text`, each with the job's prefix (multi-line errors stay readable
    /// when jobs run in parallel).
    private func write(_ job: JobKey, _ text: String) {
        let prefix = paint("[\(label(for: job))]", .dim) + " "
        emit(text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n"))
    }

    private func emit(_ text: String) {
        output.write(Data((text + "\n").utf8))
    }

    static func describe(_ annotation: Annotation, _ message: String) -> String {
        var location = ""
        if let file = annotation.file {
            location = " (\(file)\(annotation.line.map { ":\($0)" } ?? "")\(annotation.column.map { ":\($0)" } ?? ""))"
        }
        let title = annotation.title.map { "\($0): " } ?? ""
        return "\(annotation.level.rawValue)\(location): \(title)\(message)"
    }

    static func verb(_ result: Conclusion) -> String {
        switch result {
        case .success: return "succeeded"
        case .failure: return "failed"
        case .cancelled: return "was cancelled"
        case .skipped: return "was skipped"
        }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 60 { return String(format: "%.2fs", seconds) }
        return "\(Int(seconds) / 60)m\(Int(seconds) % 60)s"
    }
}
