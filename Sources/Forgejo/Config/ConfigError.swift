/// A `config.yml` that cannot be used. The message names the key and says what is expected, e.g.
/// `runner.fetch_interval: "2x" is not a duration (use Go syntax such as 2s or 1m30s)`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key (`runner.fetch_interval`), nil for file-level problems.
    public var key: String?
    /// What is wrong and what is expected.
    public var message: String
    /// The config file, when known.
    public var file: String?
    /// 1-based line in the file, when known.
    public var line: Int?

    /// Creates an error value.
    public init(key: String?, message: String, file: String? = nil, line: Int? = nil) {
        self.key = key
        self.message = message
        self.file = file
        self.line = line
    }

    /// `[<file>[:<line>]: ]<key>: <message>`.
    public var description: String {
        var location = ""
        if let file {
            location = line.map { "\(file):\($0): " } ?? "\(file): "
        } else if let line {
            location = "line \(line): "
        }
        return location + (key.map { "\($0): " } ?? "") + message
    }
}
