import Foundation

extension RunnerConfig {
    /// Loads `config.yml`.
    ///
    /// - Parameters:
    ///   - path: The file; nil or empty means no file (defaults, plus the legacy `GITEA_*`
    ///     environment overrides forgejo-runner still honours in that case).
    ///   - environment: Process environment (`HOME`, `GITEA_*`, `FORGEJO_CLIENT_TIMEOUT`).
    ///   - currentDirectory: Base of relative `runner.env_file` and `host.workdir_parent`.
    /// - Returns: The configuration and warnings to show (unknown keys with a suggestion,
    ///   deprecated or ignored settings), each naming the key.
    /// - Throws: ``ConfigError`` naming the key of an invalid value, or the file.
    public static func load(
        path: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> (config: RunnerConfig, warnings: [String]) {
        guard let path, !path.isEmpty else {
            return try ConfigLoader.load(yaml: nil, options: .init(source: nil, fileGiven: false, environment: environment,
                                                                   currentDirectory: currentDirectory))
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "the file does not exist"
            throw ConfigError(key: nil, message: "cannot read the config file: \(reason) (create one with `hearth generate-config > \(path)`)",
                              file: path)
        }
        return try ConfigLoader.load(yaml: text, options: .init(source: path, fileGiven: true, environment: environment,
                                                                currentDirectory: currentDirectory))
    }

    /// Loads configuration from YAML text (as if read from a file named `source`).
    public static func load(
        yaml: String,
        source: String = "config.yml",
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> (config: RunnerConfig, warnings: [String]) {
        try ConfigLoader.load(yaml: yaml, options: .init(source: source, fileGiven: true, environment: environment,
                                                         currentDirectory: currentDirectory))
    }
}
