import Foundation
import Yams

/// Reads `config.yml` text into a ``RunnerConfig`` following ``ConfigSchema``, then applies what
/// forgejo-runner applies after the file: legacy `GITEA_*` environment overrides (only without a
/// file), `runner.env_file`, the deprecated `container.network_mode`, an absolute
/// `host.workdir_parent` and `FORGEJO_CLIENT_TIMEOUT`.
enum ConfigLoader {
    struct Options {
        var source: String?
        var fileGiven: Bool
        var environment: [String: String]
        var currentDirectory: String
    }

    static func load(yaml: String?, options: Options) throws -> (config: RunnerConfig, warnings: [String]) {
        var config = RunnerConfig(home: RunnerConfig.homeDirectory(environment: options.environment))
        var context = ConfigContext(source: options.source)
        do {
            if let yaml { try apply(yaml: yaml, to: &config, context: &context) }
            applyLegacyEnvironment(options: options, to: &config, context: &context)
            try mergeEnvFile(options: options, into: &config)
        } catch var error as ConfigError {
            error.file = error.file ?? options.source
            throw error
        }
        if let mode = context.networkMode, !mode.isEmpty {
            if config.container.network.isEmpty {
                context.warnings.append("container.network_mode is deprecated; use container.network instead")
                config.container.network = mode == "bridge" ? "" : mode
            } else {
                context.warnings.append("container.network_mode is ignored because container.network is set")
            }
        }
        if !config.host.workdirParent.hasPrefix("/") {
            config.host.workdirParent = absolute(config.host.workdirParent, from: options.currentDirectory)
        }
        if let raw = options.environment["FORGEJO_CLIENT_TIMEOUT"], !raw.isEmpty {
            if let seconds = Int(raw), seconds > 0 {
                config.clientTimeout = .seconds(seconds)
            } else {
                context.warnings.append("FORGEJO_CLIENT_TIMEOUT=\(raw) is not a positive number of seconds; ignored")
            }
        }
        return (config, context.warnings)
    }

    // MARK: - YAML

    static func apply(yaml: String, to config: inout RunnerConfig, context: inout ConfigContext) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(key: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { return }
        let top = ConfigValue(key: "", node: root)
        if top.isNull { return }
        guard case .mapping = root else {
            throw ConfigError(key: nil, message: "the top level must be a mapping of sections (log, runner, cache, container, host, server)",
                              line: root.mark?.line)
        }
        let keys = ConfigSchema.keys
        var byPath: [String: ConfigKey] = [:]
        for key in keys where byPath[key.path] == nil { byPath[key.path] = key }
        try walk(top, keys: byPath, sections: sectionPaths(keys.map(\.path)), config: &config, context: &context)
    }

    private static func walk(
        _ value: ConfigValue, keys: [String: ConfigKey], sections: Set<String>,
        config: inout RunnerConfig, context: inout ConfigContext
    ) throws {
        for (_, child) in try value.entries() {
            let path = child.key
            if path == "kubernetes" {
                config.kubernetesYAML = child.isNull ? nil : ((try? Yams.serialize(node: child.node)) ?? "")
                continue
            }
            if let key = keys[path] {
                context.seenKeys.insert(path)
                if !child.isNull { try key.apply(child, &config, &context) }
            } else if sections.contains(path) {
                try walk(child, keys: keys, sections: sections, config: &config, context: &context)
            } else if let reason = ConfigSchema.ignoredKeys[path] {
                context.warn(child, reason)
            } else {
                let known = Array(keys.keys) + Array(sections)
                let hint = suggestion(for: path, known: known).map { " (did you mean \($0)?)" } ?? ""
                context.warn(child, "unknown key, ignored\(hint)")
            }
        }
    }

    static func sectionPaths(_ paths: [String]) -> Set<String> {
        var sections = Set<String>()
        for path in paths {
            var parts = path.split(separator: ".").map(String.init)
            while parts.count > 1 {
                parts.removeLast()
                sections.insert(parts.joined(separator: "."))
            }
        }
        return sections
    }

    // MARK: - Did you mean

    /// A known key with the same last component elsewhere, or the closest sibling name.
    static func suggestion(for path: String, known: [String]) -> String? {
        let parts = path.split(separator: ".").map(String.init)
        guard let leaf = parts.last else { return nil }
        let parent = parts.dropLast().joined(separator: ".")
        let sameLeaf = known.filter { $0 != path && $0.split(separator: ".").last.map(String.init) == leaf }.sorted()
        if !sameLeaf.isEmpty { return sameLeaf.joined(separator: " or ") }
        let siblings = known.compactMap { candidate -> String? in
            let candidateParts = candidate.split(separator: ".").map(String.init)
            guard candidateParts.count == parts.count, candidateParts.dropLast().joined(separator: ".") == parent else { return nil }
            return candidateParts.last
        }
        guard let best = closest(to: leaf, among: siblings) else { return nil }
        return parent.isEmpty ? best : "\(parent).\(best)"
    }

    /// The candidate within a small edit distance of `word`, if any.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3))
        let scored = Set(candidates).map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= limit else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: - After the file

    static let legacyVariables = ["GITEA_DEBUG", "GITEA_TRACE", "GITEA_RUNNER_CAPACITY", "GITEA_RUNNER_FILE",
                                  "GITEA_RUNNER_ENVIRON", "GITEA_RUNNER_ENV_FILE"]

    private static func applyLegacyEnvironment(options: Options, to config: inout RunnerConfig, context: inout ConfigContext) {
        for name in legacyVariables {
            guard let value = options.environment[name] else { continue }
            if options.fileGiven {
                context.warnings.append("environment variable \(name) is ignored because a config file is used")
                continue
            }
            context.warnings.append("environment variable \(name) is deprecated; put the setting in config.yml instead")
            switch name {
            case "GITEA_DEBUG": if goBool(value) { config.log.level = "debug" }
            case "GITEA_TRACE": if goBool(value) { config.log.level = "trace" }
            case "GITEA_RUNNER_CAPACITY": if let capacity = Int(value), capacity > 0 { config.runner.capacity = capacity }
            case "GITEA_RUNNER_FILE": config.runner.file = value
            case "GITEA_RUNNER_ENVIRON":
                for pair in value.split(separator: ",") {
                    let parts = pair.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    if parts.count == 2, !parts[0].isEmpty { config.runner.envs[String(parts[0])] = String(parts[1]) }
                }
            case "GITEA_RUNNER_ENV_FILE": config.runner.envFile = value
            default: break
            }
        }
    }

    /// Go's `strconv.ParseBool` truth values.
    static func goBool(_ text: String) -> Bool {
        ["1", "t", "T", "TRUE", "true", "True"].contains(text)
    }

    private static func mergeEnvFile(options: Options, into config: inout RunnerConfig) throws {
        let path = config.runner.envFile
        guard !path.isEmpty else { return }
        let resolved = absolute(path, from: options.currentDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else { return }
        guard !isDirectory.boolValue else {
            throw ConfigError(key: "runner.env_file", message: "\(path) is a directory, not a NAME=value file")
        }
        let text: String
        do {
            text = try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            throw ConfigError(key: "runner.env_file", message: "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            for (name, value) in try DotEnv.parse(text) { config.runner.envs[name] = value }
        } catch let error as DotEnv.ParseError {
            throw ConfigError(key: "runner.env_file", message: "\(path) \(error)")
        }
    }

    static func absolute(_ path: String, from directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return (URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path)
    }
}
