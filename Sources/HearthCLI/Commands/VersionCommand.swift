import ArgumentParser

/// `hearth version`: prints the version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Hearth's version.")

    func run() {
        print("hearth version \(HearthVersion.current)")
    }
}
