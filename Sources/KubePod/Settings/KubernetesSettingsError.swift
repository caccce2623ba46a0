/// A `kubernetes:` section that cannot be used. The message names the key path and what is
/// expected, e.g. `config.yml: kubernetes.labels.big.resources: expected a mapping`.
public struct KubernetesSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key path (`kubernetes.labels.big.resources`).
    public var key: String
    public var message: String
    /// The config file, when known.
    public var file: String?

    public init(key: String, message: String, file: String? = nil) {
        self.key = key
        self.message = message
        self.file = file
    }

    /// `[<file>: ]<key>: <message>`.
    public var description: String {
        (file.map { "\($0): " } ?? "") + "\(key): \(message)"
    }
}
