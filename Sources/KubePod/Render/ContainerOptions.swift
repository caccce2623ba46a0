import Backends

/// The `docker run` options of a job's or service's `options:` that a Kubernetes container can
/// honour, and how: `--health-cmd/--health-interval/--health-timeout/--health-retries/
/// --health-start-period` (an exec readiness probe), `--cpus` and `--memory`/`-m` (limits),
/// `--user`/`-u` (numeric `uid[:gid]`), `--workdir`/`-w`, `--env`/`-e NAME=VALUE`,
/// `--entrypoint` (services only), `--network-alias`/`--alias` (another host name of the pod)
/// and `--no-healthcheck`. Each as `--name value` or `--name=value`. Anything else is refused
/// with the reason.
struct ContainerOptions: Equatable {
    var healthCommand: String?
    var healthInterval: Duration?
    var healthTimeout: Duration?
    var healthStartPeriod: Duration?
    var healthRetries: Int?
    var noHealthcheck = false
    var user: (uid: Int, gid: Int?)?
    var workingDirectory: String?
    var cpus: Double?
    var memoryBytes: Int64?
    var environment: [(name: String, value: String)] = []
    var entrypoint: String?
    var aliases: [String] = []

    static func == (lhs: ContainerOptions, rhs: ContainerOptions) -> Bool {
        lhs.healthCommand == rhs.healthCommand && lhs.healthInterval == rhs.healthInterval && lhs.healthTimeout == rhs.healthTimeout
            && lhs.healthStartPeriod == rhs.healthStartPeriod && lhs.healthRetries == rhs.healthRetries
            && lhs.noHealthcheck == rhs.noHealthcheck && lhs.user?.uid == rhs.user?.uid && lhs.user?.gid == rhs.user?.gid
            && lhs.workingDirectory == rhs.workingDirectory && lhs.cpus == rhs.cpus && lhs.memoryBytes == rhs.memoryBytes
            && lhs.environment.map(\.name) == rhs.environment.map(\.name) && lhs.environment.map(\.value) == rhs.environment.map(\.value)
            && lhs.entrypoint == rhs.entrypoint && lhs.aliases == rhs.aliases
    }

    static let supported = [
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--no-healthcheck",
        "--cpus", "--memory (-m)", "--user (-u, numeric)", "--workdir (-w)", "--env (-e)", "--entrypoint", "--network-alias (--alias)",
    ]

    private static let aliases = ["-u": "--user", "-w": "--workdir", "-m": "--memory", "-e": "--env", "--alias": "--network-alias"]
    private static let valued: Set = [
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--user", "--workdir",
        "--cpus", "--memory", "--env", "--entrypoint", "--network-alias",
    ]
    private static let flags: Set = ["--no-healthcheck"]

    /// Why well-known options cannot be honoured in a pod.
    private static let reasons: [String: String] = [
        "--privileged": "Hearth never runs privileged containers",
        "--cap-add": "Hearth does not add capabilities (choose the `baseline` or `user-namespace` security profile for root)",
        "--cap-drop": "capabilities are set by the label's security profile",
        "--security-opt": "the security context is set by the label's security profile",
        "--network": "every container of a job shares the pod's network",
        "--net": "every container of a job shares the pod's network",
        "--add-host": "host names come from the pod's hostAliases (service names and --network-alias)",
        "--hostname": "a pod has one host name",
        "-h": "a pod has one host name",
        "-p": "use `ports:`; containers of a pod share one network",
        "--publish": "use `ports:`; containers of a pod share one network",
        "-v": "use `volumes:` with named volumes",
        "--volume": "use `volumes:` with named volumes",
        "--mount": "use `volumes:` with named volumes",
        "--device": "host devices are not available to job pods",
        "--pid": "a pod's process namespace is set by Hearth",
        "--ipc": "a pod's IPC namespace is set by Hearth",
        "--userns": "choose the `user-namespace` security profile",
        "--tmpfs": "use `volumes:` with named volumes",
        "--shm-size": "/dev/shm size cannot be set per container",
        "--init": "a pod's containers have no init process option",
        "--restart": "job pods never restart containers",
        "--rm": "pods are deleted by Hearth",
        "--name": "container names are set by Hearth",
        "--label": "use the label's pod template `labels`",
        "-l": "use the label's pod template `labels`",
        "--gpus": "request GPUs with the label's pod template `resources`",
        "--memory-swap": "Kubernetes has no per-container swap limit",
        "--ulimit": "Kubernetes has no per-container ulimits",
        "--sysctl": "sysctls are pod-wide in Kubernetes; use the label's `patch`",
        "--dns": "DNS is set for the pod by the cluster",
        "--platform": "the node's platform is chosen by scheduling (`node_selector`)",
        "--pull": "image pulls are done by the kubelet",
        "--read-only": "use the label's `patch`",
    ]

    /// Parses `text`; `owner` names the container in messages (`service 'db'`, `the job container`).
    static func parse(_ text: String?, owner: String) throws(PodRenderError) -> ContainerOptions {
        var options = ContainerOptions()
        guard let text, !text.allSatisfy(\.isWhitespace) else { return options }
        let words: [String]
        do {
            words = try ShellWords.split(text)
        } catch {
            throw PodRenderError("\(owner): the options cannot be read (\(error)): \(text)")
        }
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            var name = word
            var value: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            } else if word.count > 2, !word.hasPrefix("--"), word.hasPrefix("-"), aliases[String(word.prefix(2))] != nil {
                name = String(word.prefix(2))
                value = String(word.dropFirst(2))
            }
            name = aliases[name] ?? name
            if flags.contains(name) {
                if let value, !["true", "1"].contains(value.lowercased()) {
                    throw PodRenderError("\(owner): the option '\(word)' takes no value")
                }
                options.noHealthcheck = true
                continue
            }
            guard valued.contains(name) else {
                let reason = reasons[name].map { ": \($0)" } ?? ""
                throw PodRenderError(
                    "\(owner): the option '\(word)' cannot be used on Kubernetes\(reason). Options Hearth can map to a pod: "
                        + supported.joined(separator: ", ") + ".")
            }
            if value == nil {
                guard index < words.count else { throw PodRenderError("\(owner): the option '\(name)' needs a value") }
                value = words[index]
                index += 1
            }
            try options.apply(name, value ?? "", owner: owner)
        }
        return options
    }

    private mutating func apply(_ name: String, _ value: String, owner: String) throws(PodRenderError) {
        func invalid(_ what: String) -> PodRenderError {
            PodRenderError("\(owner): the option '\(name) \(value)' is invalid: \(what)")
        }
        switch name {
        case "--health-cmd":
            healthCommand = value
        case "--health-interval", "--health-timeout", "--health-start-period":
            guard let duration = PodmanContainerOptions.parseDuration(value), duration >= .zero else {
                throw invalid("expected a duration such as 10s, 1m30s or 500ms")
            }
            switch name {
            case "--health-interval": healthInterval = duration
            case "--health-timeout": healthTimeout = duration
            default: healthStartPeriod = duration
            }
        case "--health-retries":
            guard let retries = Int(value), retries >= 0 else { throw invalid("expected a whole number") }
            healthRetries = retries
        case "--user":
            let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let uid = Int(parts[0]), uid >= 0, parts.count == 1 || Int(parts[1]).map({ $0 >= 0 }) == true else {
                throw invalid("Kubernetes needs a numeric uid[:gid] (user names are only known inside the image)")
            }
            user = (uid, parts.count == 2 ? Int(parts[1]) : nil)
        case "--workdir":
            guard value.hasPrefix("/") else { throw invalid("expected an absolute path") }
            workingDirectory = value
        case "--cpus":
            guard let cpus = Double(value), cpus > 0, cpus.isFinite else { throw invalid("expected a positive number of CPUs") }
            self.cpus = cpus
        case "--memory":
            guard let bytes = PodmanContainerOptions.parseMemory(value) else { throw invalid("expected a size such as 512m or 2g") }
            memoryBytes = bytes
        case "--env":
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw invalid("expected NAME=VALUE (Hearth does not pass its own environment into containers)")
            }
            environment.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
        case "--entrypoint":
            entrypoint = value
        case "--network-alias":
            aliases.append(value)
        default:
            break
        }
    }
}
