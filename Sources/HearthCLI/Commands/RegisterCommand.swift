import ArgumentParser
import Forgejo
import Foundation

/// `hearth register`: registers this runner with a Forgejo (or Gitea) instance and writes the
/// `.runner` file forgejo-runner also reads.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register this runner with a Forgejo or Gitea instance.",
        discussion: "Asks for the instance URL, the registration token (from the instance's runner settings), a name and labels, then writes the registration file (runner.file of config.yml, default .runner). With --no-interactive every answer comes from the flags.")

    @Option(name: [.customShort("c"), .customLong("config")], help: "config.yml to read (runner.file, runner.labels).")
    var config: String?

    @Flag(name: .customLong("no-interactive"), help: "Take every answer from the flags; ask nothing.")
    var noInteractive = false

    @Option(name: .customLong("instance"), help: "The instance URL, e.g. https://forgejo.example.org.")
    var instance: String?

    @Option(name: .customLong("token"), help: "The registration token.")
    var token: String?

    @Option(name: .customLong("name"), help: "The runner's name (default: this host's name).")
    var name: String?

    @Option(name: .customLong("labels"), help: "Comma-separated labels, e.g. 'debian:host,ubuntu-latest:docker://node:20-bookworm'.")
    var labels: String?

    @Flag(name: .customLong("ephemeral"), help: "Take at most one task (Forgejo >= 15).")
    var ephemeral = false

    @Option(name: .customLong("ca-file"), help: "A PEM file of extra certificate authorities to trust for the instance.")
    var caFile: String?

    func run() async throws {
        let (settings, warnings) = try loadConfig(config)
        for warning in warnings { printError("hearth: \(warning)") }
        let file = settings.runner.file
        let given = labels.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let configLabels = settings.runner.labels.map(\.description)

        let answers: RegistrationPrompter.Answers
        if noInteractive {
            guard let instance, let token else {
                printError("hearth register: --no-interactive needs --instance and --token")
                throw ExitCode(1)
            }
            answers = RegistrationPrompter.Answers(
                address: instance, token: token, name: name ?? SystemHostname.current, labels: given ?? (configLabels.isEmpty ? [] : configLabels))
        } else {
            let prompter = RegistrationPrompter(
                ask: { question in
                    print(question, terminator: " ")
                    return readLine()
                },
                say: { print($0) }, configLabels: given ?? configLabels, alreadyRegistered: FileManager.default.fileExists(atPath: file))
            guard let result = try prompter.run() else {
                print("Keeping the existing registration in \(file).")
                return
            }
            answers = result
        }
        do {
            let registration = try await Registrar.register(
                address: answers.address, token: answers.token, name: answers.name, labels: answers.labels, version: HearthVersion.current,
                ephemeral: ephemeral, caFile: caFile, insecure: settings.runner.insecure, progress: { printError($0) })
            try registration.save(path: file)
            print("Runner '\(registration.name)' registered with \(registration.address); registration saved to \(file).")
        } catch {
            printError("hearth register: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `hearth create-runner-file`: offline registration with a secret from `forgejo forgejo-cli actions register`.
struct CreateRunnerFileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-runner-file",
        abstract: "Write a registration file from a secret created on the server (offline registration).")

    @Option(name: .customLong("instance"), help: "The instance URL.")
    var instance: String

    @Option(name: .customLong("secret"), help: "The 40-hex-character secret given to `forgejo forgejo-cli actions register --secret`.")
    var secret: String

    @Option(name: .customLong("name"), help: "The runner's name.")
    var name: String = SystemHostname.current

    @Option(name: .customLong("labels"), help: "Comma-separated labels.")
    var labels: String = ""

    @Option(name: .customLong("file"), help: "Where to write the registration.")
    var file: String = ".runner"

    func run() throws {
        do {
            let registration = try RunnerRegistration.offline(
                address: instance, secret: secret, name: name,
                labels: labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            try registration.save(path: file)
            print("Registration for runner \(registration.uuid) written to \(file).")
        } catch {
            printError("hearth create-runner-file: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Loads config.yml (or the defaults), turning errors into one line and exit status 1.
func loadConfig(_ path: String?) throws -> (RunnerConfig, [String]) {
    do {
        return try RunnerConfig.load(path: path)
    } catch {
        printError("hearth: \(error)")
        throw ExitCode(1)
    }
}
