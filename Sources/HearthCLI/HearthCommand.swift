import ArgumentParser

/// `hearth`: a Forgejo Actions runner. This root command only composes the subcommands.
public struct HearthCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Run Forgejo Actions workflows: locally with `exec`, or for a Forgejo instance.",
        version: HearthVersion.current,
        subcommands: [
            ExecCommand.self, ValidateCommand.self, RegisterCommand.self, CreateRunnerFileCommand.self, DaemonCommand.self, CacheServerCommand.self,
            GenerateConfigCommand.self, KubeCommand.self, AgentCommand.self, VersionCommand.self,
        ])

    public init() {}
}

/// The version Hearth reports (`hearth version`, `FORGEJO_ACTIONS_RUNNER_VERSION`).
public enum HearthVersion {
    public static let current = "0.1.0"
}
