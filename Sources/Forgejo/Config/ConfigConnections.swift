import Foundation

/// `server.connections.<name>.{url, uuid, token, labels, fetch_interval}`: runner credentials in
/// config.yml (forgejo-runner ≥ 12.8). url, uuid and token are required.
enum ConfigConnections {
    static let keys = ["url", "uuid", "token", "labels", "fetch_interval"]

    static func apply(_ value: ConfigValue, _ config: inout RunnerConfig, _ context: inout ConfigContext) throws {
        for (name, entry) in try value.entries() {
            var url = "", uuid = "", token = ""
            var labels: [RunnerLabel] = []
            var fetchInterval: Duration?
            for (field, item) in try entry.entries() where !item.isNull {
                switch field {
                case "url": url = try item.string().trimmingCharacters(in: .whitespaces)
                case "uuid": uuid = try item.string().trimmingCharacters(in: .whitespaces)
                case "token": token = try item.string().trimmingCharacters(in: .whitespaces)
                case "labels": labels = try context.labels(from: item)
                case "fetch_interval":
                    let interval = try item.duration()
                    if interval > .zero { fetchInterval = interval }
                default:
                    let hint = ConfigLoader.closest(to: field, among: keys).map { " (did you mean \($0)?)" } ?? ""
                    context.warn(item, "unknown key, ignored\(hint)")
                }
            }
            let prefix = entry.key
            guard !url.isEmpty else {
                throw ConfigError(key: "\(prefix).url", message: "missing: the instance address, e.g. https://forgejo.example.org", line: entry.line)
            }
            do {
                _ = try InstanceAddress(url)
            } catch let error as TransportError {
                throw ConfigError(key: "\(prefix).url", message: error.message, line: entry.line)
            }
            guard !uuid.isEmpty else {
                throw ConfigError(key: "\(prefix).uuid", message: "missing: the runner UUID given when the runner was created", line: entry.line)
            }
            guard UUID(uuidString: uuid) != nil else {
                throw ConfigError(key: "\(prefix).uuid", message: "\"\(uuid)\" is not a UUID (like 41414141-4141-4141-4141-414141414141)", line: entry.line)
            }
            guard !token.isEmpty else {
                throw ConfigError(key: "\(prefix).token", message: "missing: the runner token given when the runner was created", line: entry.line)
            }
            config.server.connections.removeAll { $0.name == name }
            config.server.connections.append(RunnerConfig.Connection(
                name: name, url: url, uuid: uuid, token: token, labels: labels, fetchInterval: fetchInterval))
        }
    }
}
