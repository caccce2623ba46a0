/// Classifies the lines of one step's output, tracking `::stop-commands::`.
///
/// Feed it every output line in order (one processor per step, like the runner's command manager
/// is per step context). Only registered command names (`KnownCommand.names`) are commands; any
/// other `::name::` line is plain output, as on GitHub.
///
/// `::stop-commands::TOKEN` pauses command processing: until a line whose command name is TOKEN
/// (ignoring case, e.g. `::TOKEN::`), command lines are returned as `.ignoredWhileStopped` and
/// must be printed verbatim. A token that is empty, `pause-logging` or a command name is refused
/// unless `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` allows it.
///
/// GitHub prints the stop and resume lines themselves; for commands the runner decides (echo
/// setting, `KnownCommand.omitsEcho`). Every printed line goes through the secret masker.
public struct WorkflowCommandProcessor: Sendable {
    /// What to do with one line.
    public enum Action: Sendable, Equatable {
        /// Not a command: print the line.
        case output(String)
        /// A registered command; interpret it with `KnownCommand(_:allowUnsecureCommands:)`.
        case command(WorkflowCommand)
        /// A command line while commands are stopped: print it verbatim, do not act on it.
        case ignoredWhileStopped(String)
        /// `::stop-commands::token` accepted: commands are paused until `token` is seen.
        case stopped(token: String)
        /// The stop token was seen: commands are processed again.
        case resumed(token: String)
        /// `::stop-commands::` with a refused token; report `message` as an error. Commands keep
        /// being processed.
        case invalidStopToken(token: String, message: String)
    }

    /// The message GitHub gives for a refused stop token.
    public static let invalidStopTokenMessage =
        "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. "
        + "For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands "
        + "or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`."

    /// Whether refused stop tokens are accepted anyway (`ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS`).
    public var allowUnsecureStopTokens: Bool
    /// The token that resumes command processing, while stopped.
    public private(set) var stopToken: String?

    /// Whether command processing is currently stopped.
    public var isStopped: Bool { stopToken != nil }

    public init(allowUnsecureStopTokens: Bool = false) {
        self.allowUnsecureStopTokens = allowUnsecureStopTokens
    }

    /// Classifies `line` (without its line terminator) and updates the stop state.
    public mutating func process(_ line: String) -> Action {
        if let token = stopToken {
            let command = WorkflowCommand.parse(line) { name in
                KnownCommand.isKnown(name) || WorkflowCommand.equalIgnoringASCIICase(name, token)
            }
            guard let command else { return .output(line) }
            if !token.isEmpty && WorkflowCommand.equalIgnoringASCIICase(command.name, token) {
                stopToken = nil
                return .resumed(token: token)
            }
            return .ignoredWhileStopped(line)
        }

        guard let command = WorkflowCommand.parse(line, isRecognized: KnownCommand.isKnown) else { return .output(line) }
        guard command.hasName("stop-commands") else { return .command(command) }
        let token = command.value
        let refused = token.isEmpty || KnownCommand.isKnown(token) || token.lowercased() == "pause-logging"
        if refused && !allowUnsecureStopTokens {
            return .invalidStopToken(token: token, message: Self.invalidStopTokenMessage)
        }
        stopToken = token
        return .stopped(token: token)
    }
}
