import Foundation

/// Asks the `register` questions one by one, like forgejo-runner's interactive registration, with
/// the terminal replaced by closures so it can be driven by tests.
///
/// Order: overwrite an existing registration? (only when one exists; anything but `y` stops),
/// instance URL (asked again while empty or invalid), registration token (asked again while
/// empty), runner name (empty = host name), labels (comma-separated; empty = the defaults; asked
/// again while invalid; skipped when `config.yml` already lists labels).
public struct RegistrationPrompter {
    /// The answers, ready for ``Registrar/register(address:token:name:labels:version:ephemeral:pingAttempts:pingInterval:caFile:insecure:timeout:progress:)``.
    public struct Answers: Sendable, Equatable {
        /// Instance URL as typed.
        public var address: String
        /// Registration token.
        public var token: String
        /// Runner name (never empty).
        public var name: String
        /// Full label strings (never empty).
        public var labels: [String]

        /// Creates answers.
        public init(address: String, token: String, name: String, labels: [String]) {
            self.address = address
            self.token = token
            self.name = name
            self.labels = labels
        }
    }

    private let ask: (String) -> String?
    private let say: (String) -> Void
    private let hostname: String
    private let configLabels: [String]
    private let alreadyRegistered: Bool

    /// Creates a prompter.
    ///
    /// - Parameters:
    ///   - ask: Shows a question and returns the answer line (nil at end of input), e.g.
    ///     `{ print($0); return readLine() }`.
    ///   - say: Shows a message (invalid input, what was chosen).
    ///   - hostname: Default runner name.
    ///   - configLabels: `runner.labels` from config.yml; when non-empty the labels question is
    ///     skipped and these are used (invalid ones are dropped with a message).
    ///   - alreadyRegistered: Whether a `.runner` file exists (asks before overwriting it).
    public init(
        ask: @escaping (String) -> String?,
        say: @escaping (String) -> Void = { _ in },
        hostname: String = SystemHostname.current,
        configLabels: [String] = [],
        alreadyRegistered: Bool = false
    ) {
        self.ask = ask
        self.say = say
        self.hostname = hostname
        self.configLabels = configLabels
        self.alreadyRegistered = alreadyRegistered
    }

    /// Runs the questions.
    /// - Returns: The answers, or nil when the user chose not to overwrite the existing registration.
    /// - Throws: ``RegistrationError/inputClosed`` when input ends early.
    public func run() throws -> Answers? {
        if alreadyRegistered {
            let answer = try question("The runner is already registered. Overwrite the local registration? [y/N]")
            guard answer == "y" || answer == "Y" else { return nil }
        }

        var address = ""
        while address.isEmpty {
            let answer = try question("Enter the Forgejo instance URL (for example, https://forgejo.example.org/):")
            guard !answer.isEmpty else { continue }
            do {
                _ = try InstanceAddress(answer)
                address = answer
            } catch {
                say("\(error)")
            }
        }

        var token = ""
        while token.isEmpty {
            token = try question("Enter the runner registration token:")
        }

        var name = try question("Enter the runner name (leave empty to use the host name \(hostname)):")
        if name.isEmpty { name = hostname }

        let labels: [String]
        if !configLabels.isEmpty {
            let parsed = RunnerLabel.parseAll(configLabels)
            for error in parsed.errors { say("ignoring \(error) from config.yml") }
            if parsed.labels.isEmpty {
                say("no valid labels in config.yml: the runner will not be able to pick up jobs")
            }
            labels = configLabels.filter { (try? RunnerLabel(parsing: $0)) != nil }
        } else {
            labels = try askLabels()
        }
        return Answers(address: address, token: token, name: name, labels: labels)
    }

    private func askLabels() throws -> [String] {
        let defaults = RunnerLabel.registrationDefaults.joined(separator: ",")
        while true {
            let answer = try question(
                "Enter the runner labels, comma-separated, or leave empty for \(defaults) "
                    + "(for example: ubuntu-latest:docker://node:22-bookworm,linux:host):")
            if answer.isEmpty { return RunnerLabel.registrationDefaults }
            let labels = answer.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let errors = RunnerLabel.parseAll(labels).errors
            if errors.isEmpty, !labels.isEmpty { return labels }
            say(RegistrationError.invalidLabels(errors).description)
        }
    }

    private func question(_ text: String) throws -> String {
        guard let line = ask(text) else { throw RegistrationError.inputClosed }
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
