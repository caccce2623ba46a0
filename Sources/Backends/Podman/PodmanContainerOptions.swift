import Foundation

/// The subset of `docker run` options Hearth accepts in a job's or service's `options:`.
///
/// Supported: `--health-cmd`, `--health-interval`, `--health-timeout`, `--health-retries`,
/// `--health-start-period`, `--user`/`-u`, `--workdir`/`-w`, `--cpus`, `--memory`/`-m` and
/// `--env`/`-e NAME=VALUE`, each as `--name value` or `--name=value`. Anything else is refused.
public struct PodmanContainerOptions: Sendable, Equatable {
    public var healthCommand: String?
    public var healthInterval: Duration?
    public var healthTimeout: Duration?
    public var healthStartPeriod: Duration?
    public var healthRetries: Int?
    public var user: String?
    public var workingDirectory: String?
    /// CPUs as a fraction (`1.5`).
    public var cpus: Double?
    /// Memory limit in bytes.
    public var memoryBytes: Int64?
    public var environment: [String: String] = [:]

    public init() {}

    /// The options Hearth understands, for error messages.
    public static let supported = [
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--user (-u)",
        "--workdir (-w)", "--cpus", "--memory (-m)", "--env (-e)",
    ]

    /// Parses an `options:` string; `owner` names the container in messages ("service 'db'").
    public static func parse(_ text: String?, owner: String) throws -> PodmanContainerOptions {
        var options = PodmanContainerOptions()
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return options }
        let words: [String]
        do {
            words = try ShellWords.split(text)
        } catch {
            throw PodmanError("The options of \(owner) cannot be read: \(error) in '\(text)'")
        }
        let aliases = ["-u": "--user", "-w": "--workdir", "-m": "--memory", "-e": "--env"]
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            var name = word
            var value: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            } else if word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"), aliases[String(word.prefix(2))] != nil {
                // -uroot, -eNAME=VALUE
                name = String(word.prefix(2))
                value = String(word.dropFirst(2))
            }
            name = aliases[name] ?? name
            guard Self.optionNames.contains(name) else {
                throw PodmanError(
                    "The option '\(word)' of \(owner) is not supported by the Podman backend. Supported options: "
                        + supported.joined(separator: ", ") + ".")
            }
            if value == nil {
                guard index < words.count else { throw PodmanError("The option '\(name)' of \(owner) needs a value.") }
                value = words[index]
                index += 1
            }
            try options.apply(name, value ?? "", owner: owner)
        }
        return options
    }

    private static let optionNames: Set = [
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--user", "--workdir", "--cpus",
        "--memory", "--env",
    ]

    private mutating func apply(_ name: String, _ value: String, owner: String) throws {
        func invalid(_ what: String) -> PodmanError {
            PodmanError("The option '\(name) \(value)' of \(owner) is invalid: \(what).")
        }
        switch name {
        case "--health-cmd":
            healthCommand = value
        case "--health-interval", "--health-timeout", "--health-start-period":
            guard let duration = Self.parseDuration(value) else { throw invalid("expected a duration such as 10s, 1m30s or 500ms") }
            switch name {
            case "--health-interval": healthInterval = duration
            case "--health-timeout": healthTimeout = duration
            default: healthStartPeriod = duration
            }
        case "--health-retries":
            guard let retries = Int(value), retries >= 0 else { throw invalid("expected a whole number") }
            healthRetries = retries
        case "--user":
            guard !value.isEmpty else { throw invalid("expected a user") }
            user = value
        case "--workdir":
            guard value.hasPrefix("/") else { throw invalid("expected an absolute path") }
            workingDirectory = value
        case "--cpus":
            guard let cpus = Double(value), cpus > 0, cpus.isFinite else { throw invalid("expected a positive number of CPUs") }
            self.cpus = cpus
        case "--memory":
            guard let bytes = Self.parseMemory(value) else { throw invalid("expected a size such as 512m or 2g") }
            memoryBytes = bytes
        case "--env":
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw invalid("expected NAME=VALUE (Hearth does not pass its own environment into containers)")
            }
            environment[String(value[..<equals])] = String(value[value.index(after: equals)...])
        default:
            break
        }
    }

    /// Go's duration syntax, as Docker reads it: `1h2m3.5s`, `500ms`, `10us`, `0`.
    public static func parseDuration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        var seconds = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first: "ms" before "m".
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Docker's memory sizes: a number with an optional unit `b`, `k`, `m`, `g`, `t` (powers of
    /// 1024), optionally followed by `b` (`512m`, `1.5g`, `2GB`, `1048576`).
    public static func parseMemory(_ text: String) -> Int64? {
        var rest = Substring(text.lowercased())
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number), value > 0 else { return nil }
        rest = rest.dropFirst(number.count)
        if rest.hasSuffix("b") && rest.count == 2 { rest = rest.dropLast() }
        let multipliers: [Substring: Double] = ["": 1, "b": 1, "k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024, "t": 1024 * 1024 * 1024 * 1024]
        guard let multiplier = multipliers[rest] else { return nil }
        return Int64(value * multiplier)
    }

    /// The health check as Podman takes it, when one was asked for. Podman's API does not apply
    /// Docker's defaults (a missing timeout means every check times out at once), so they are
    /// filled in here: interval 30s, timeout 30s, no start period, 3 retries.
    var healthConfig: PodmanAPI.HealthConfig? {
        guard let healthCommand, healthCommand.lowercased() != "none" else { return nil }
        func nanoseconds(_ duration: Duration) -> Int64 {
            Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        }
        return PodmanAPI.HealthConfig(
            test: ["CMD-SHELL", healthCommand], interval: nanoseconds(healthInterval ?? .seconds(30)),
            timeout: nanoseconds(healthTimeout ?? .seconds(30)), startPeriod: nanoseconds(healthStartPeriod ?? .zero), retries: healthRetries ?? 3)
    }

    /// `--cpus` and `--memory` as OCI resource limits, when either was given.
    var resourceLimits: PodmanAPI.ResourceLimits? {
        guard cpus != nil || memoryBytes != nil else { return nil }
        return PodmanAPI.ResourceLimits(cpuQuota: cpus.map { Int64(($0 * 100_000).rounded()) }, memoryLimit: memoryBytes)
    }
}
