import Foundation

/// Turns a step's raw output lines into log lines and effects: workflow commands are interpreted
/// (`::add-mask::`, `::group::`, `::error`…), legacy `set-output`/`save-state` are collected, and
/// every line that leaves is masked.
///
/// One handler per step process; it is used from the step's task only.
public struct StepOutputHandler {
    public let masker: SecretMasker
    /// Whether `::debug::` lines are shown.
    public let debug: Bool
    /// `ACTIONS_ALLOW_UNSECURE_COMMANDS` is true for this step: `set-env` and `add-path` work.
    public let allowUnsecureCommands: Bool
    private var processor = WorkflowCommandProcessor()

    /// Legacy `::set-output name=x::v` values.
    public private(set) var outputs: [String: String] = [:]
    /// Legacy `::save-state name=x::v` values.
    public private(set) var state: [String: String] = [:]
    /// `::set-env` values (only when unsecure commands are allowed).
    public private(set) var environment: [String: String] = [:]
    /// `::add-path::` values (only when unsecure commands are allowed).
    public private(set) var paths: [String] = []
    /// Set when a disabled command was used; the step fails with this message, as on GitHub.
    public private(set) var fatalError: String?

    public init(masker: SecretMasker, debug: Bool, allowUnsecureCommands: Bool) {
        self.masker = masker
        self.debug = debug
        self.allowUnsecureCommands = allowUnsecureCommands
    }

    /// Handles one output line; returns the log lines to emit (already masked), possibly none.
    public mutating func handle(_ line: String) -> [LogLine] {
        switch processor.process(line) {
        case .output(let text), .ignoredWhileStopped(let text):
            return [LogLine(kind: .output, text: masker.mask(text))]
        case .stopped, .resumed:
            return []
        case .invalidStopToken(_, let message):
            return [error(message)]
        case .command(let command):
            do {
                guard let known = try KnownCommand(command, allowUnsecureCommands: allowUnsecureCommands) else {
                    return [LogLine(kind: .output, text: masker.mask(line))]
                }
                return handle(known)
            } catch {
                switch error.severity {
                case .warning:
                    return [LogLine.warning(masker.mask(error.message))]
                case .error:
                    return [self.error(error.message)]
                case .failure:
                    fatalError = fatalError ?? error.message
                    return [self.error("Unable to process command '\(line)' successfully."), self.error(error.message)]
                }
            }
        }
    }

    private func error(_ message: String) -> LogLine {
        LogLine.error(masker.mask(message))
    }

    private mutating func handle(_ command: KnownCommand) -> [LogLine] {
        switch command {
        case .addMask(let value):
            masker.add(value)
        case .setOutput(let name, let value):
            outputs[name] = value
        case .saveState(let name, let value):
            state[name] = value
        case .setEnv(let name, let value):
            environment[name] = value
        case .addPath(let path):
            paths.append(path)
        case .group(let title):
            return [LogLine(kind: .groupStart, text: masker.mask(title))]
        case .endGroup:
            return [LogLine(kind: .groupEnd, text: "")]
        case .debug(let message):
            return debug ? [LogLine(kind: .debug, text: masker.mask(message))] : []
        case .annotation(var annotation):
            annotation.message = masker.mask(annotation.message)
            annotation.title = annotation.title.map(masker.mask)
            return [LogLine(kind: .annotation(annotation), text: annotation.message)]
        case .addMatcher, .removeMatcher, .echo, .stopCommands:
            // Problem matchers and command echo only change how GitHub's UI decorates the log.
            break
        }
        return []
    }
}
