import ArgumentParser
import HearthCLI

/// The `hearth` executable: the root command of HearthCLI, started through its async entry point.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = HearthCommand.configuration
}
