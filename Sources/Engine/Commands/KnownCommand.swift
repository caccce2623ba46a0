import Foundation

/// The workflow commands actions/runner registers, with their arguments read and checked.
///
/// The runner switches on this. Commands are matched by name ignoring case. Checks mirror the
/// runner's command extensions; what they cannot decide alone is passed in (whether
/// `ACTIONS_ALLOW_UNSECURE_COMMANDS` is on) or left to the caller (paths, matcher files, echo).
public enum KnownCommand: Sendable, Equatable {
    /// `::add-mask::value` — register `value` with the secret masker. GitHub does not echo this
    /// command line; with echo on it prints `::add-mask::***` instead.
    case addMask(value: String)
    /// `::set-output name=x::value` (deprecated in favour of `$GITHUB_OUTPUT`, still honoured).
    case setOutput(name: String, value: String)
    /// `::save-state name=x::value` (deprecated in favour of `$GITHUB_STATE`, still honoured).
    case saveState(name: String, value: String)
    /// `::set-env name=x::value` — only when unsecure commands are allowed.
    case setEnv(name: String, value: String)
    /// `::add-path::dir` — only when unsecure commands are allowed. Prepend to PATH, removing an
    /// earlier identical entry.
    case addPath(path: String)
    /// `::add-matcher::file` — a problem-matcher file (relative paths are against the workspace).
    case addMatcher(file: String)
    /// `::remove-matcher owner=x::` or `::remove-matcher::file` — exactly one is set.
    case removeMatcher(owner: String?, file: String?)
    /// `::debug::message` — shown only when step debug logging is on.
    case debug(message: String)
    /// `::error`, `::warning`, `::notice`.
    case annotation(WorkflowAnnotation)
    /// `::group::title` — GitHub prints `##[group]title`.
    case group(title: String)
    /// `::endgroup::` — GitHub prints `##[endgroup]`.
    case endGroup
    /// `::echo::on` / `::echo::off` — whether command lines are echoed to the log.
    case echo(enabled: Bool)
    /// `::stop-commands::token` — handled by `WorkflowCommandProcessor`.
    case stopCommands(token: String)

    /// The names of the commands above, lower-cased, as registered by the runner.
    public static let names: Set<String> = [
        "add-mask", "set-output", "save-state", "set-env", "add-path", "add-matcher", "remove-matcher",
        "debug", "error", "warning", "notice", "group", "endgroup", "echo", "stop-commands",
    ]

    /// Whether `name` is a registered command name (ignoring case).
    public static func isKnown(_ name: String) -> Bool {
        names.contains(name) || names.contains(name.lowercased())
    }

    /// Interprets `command`; nil when its name is not a known command.
    ///
    /// - Parameter allowUnsecureCommands: whether `ACTIONS_ALLOW_UNSECURE_COMMANDS` is true for the
    ///   step (the runner process environment or the step's `env` context; see
    ///   `allowsUnsecureCommands(_:)`). Without it `set-env` and `add-path` fail.
    /// - Throws: a `WorkflowCommandError` telling how GitHub would report the problem.
    public init?(_ command: WorkflowCommand, allowUnsecureCommands: Bool = false) throws(WorkflowCommandError) {
        let name = command.name.lowercased()
        let value = command.value
        switch name {
        case "add-mask":
            if value.allSatisfy(\.isWhitespace) {
                throw WorkflowCommandError(.warning, "Can't add secret mask for empty string in ##[add-mask] command.")
            }
            self = .addMask(value: value)
        case "set-output":
            self = .setOutput(name: try Self.requiredName(command, name), value: value)
        case "save-state":
            self = .saveState(name: try Self.requiredName(command, name), value: value)
        case "set-env":
            guard allowUnsecureCommands else { throw Self.disabled(name) }
            let variable = try Self.requiredName(command, name)
            if variable.uppercased() == "NODE_OPTIONS" {
                throw WorkflowCommandError(.error, "Can't update NODE_OPTIONS environment variable using ::set-env:: command.")
            }
            self = .setEnv(name: variable, value: value)
        case "add-path":
            guard allowUnsecureCommands else { throw Self.disabled(name) }
            if value.isEmpty { throw WorkflowCommandError(.failure, "Value cannot be null. (Parameter 'path')") }
            self = .addPath(path: value)
        case "add-matcher":
            if value.isEmpty { throw WorkflowCommandError(.warning, "File path must be specified.") }
            self = .addMatcher(file: value)
        case "remove-matcher":
            let owner = command[property: "owner"].flatMap { $0.isEmpty ? nil : $0 }
            let file = value.isEmpty ? nil : value
            if owner != nil && file != nil {
                throw WorkflowCommandError(
                    .warning,
                    "Either specify an owner name or a file path in ##[remove-matcher] command. Both values cannot be set.")
            }
            if owner == nil && file == nil {
                throw WorkflowCommandError(
                    .warning, "Either an owner name or a file path must be specified in ##[remove-matcher] command.")
            }
            self = .removeMatcher(owner: owner, file: file)
        case "debug":
            self = .debug(message: value)
        case "error":
            self = .annotation(WorkflowAnnotation(level: .error, command: command))
        case "warning":
            self = .annotation(WorkflowAnnotation(level: .warning, command: command))
        case "notice":
            self = .annotation(WorkflowAnnotation(level: .notice, command: command))
        case "group":
            self = .group(title: value)
        case "endgroup":
            self = .endGroup
        case "echo":
            if value.isEmpty { throw WorkflowCommandError(.failure, "Value cannot be null. (Parameter 'value')") }
            switch value.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() {
            case "ON": self = .echo(enabled: true)
            case "OFF": self = .echo(enabled: false)
            default:
                throw WorkflowCommandError(
                    .failure, "Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '\(value)'.")
            }
        case "stop-commands":
            self = .stopCommands(token: value)
        default:
            return nil
        }
    }

    /// Whether GitHub omits the command line from the log even when echo is on
    /// (`add-mask`, `debug`, `error`, `warning`, `notice`).
    public var omitsEcho: Bool {
        switch self {
        case .addMask, .debug, .annotation: true
        default: false
        }
    }

    /// The deprecation warning GitHub documents for `set-output`/`save-state`, for runners that
    /// want to show it; nil for other commands.
    public var deprecationWarning: String? {
        let name: String
        switch self {
        case .setOutput: name = "set-output"
        case .saveState: name = "save-state"
        default: return nil
        }
        return "The `\(name)` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. "
            + "For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
    }

    /// `bool.TryParse` of an `ACTIONS_ALLOW_UNSECURE_COMMANDS` value: `true` (any case, surrounding
    /// whitespace allowed) enables the unsecure commands; anything else, or nil, does not.
    public static func allowsUnsecureCommands(_ value: String?) -> Bool {
        value?.trimmingCharacters(in: .whitespaces).lowercased() == "true"
    }

    private static func requiredName(_ command: WorkflowCommand, _ commandName: String) throws(WorkflowCommandError) -> String {
        guard let name = command[property: "name"], !name.isEmpty else {
            throw WorkflowCommandError(.failure, "Required field 'name' is missing in ##[\(commandName)] command.")
        }
        return name
    }

    private static func disabled(_ commandName: String) -> WorkflowCommandError {
        WorkflowCommandError(
            .failure,
            "The `\(commandName)` command is disabled. Please upgrade to using Environment Files or opt into unsecure command "
                + "execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`. For more "
                + "information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/")
    }
}
