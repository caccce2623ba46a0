import ArgumentParser
import Forgejo

/// `hearth generate-config`: prints a commented config.yml with every key and its default.
struct GenerateConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-config",
        abstract: "Print a commented config.yml (forgejo-runner's keys, with their defaults).")

    func run() {
        print(ConfigTemplate.text, terminator: ConfigTemplate.text.hasSuffix("\n") ? "" : "\n")
    }
}
