import Foundation

/// What a job's pod will consist of, worked out (and every option and volume checked) before
/// anything is created, so a mistake in the workflow fails the job without leaving objects behind.
struct PodmanPodPlan: Sendable {
    /// One container to create.
    struct Container: Sendable {
        /// "the job container" or "service 'db'", for messages.
        var description: String
        /// The service name (nil for the job container).
        var serviceName: String?
        var spec: PodmanAPI.ContainerSpec
        var request: ContainerRequest
        var healthInterval: Duration?

        /// The description with a capital letter, to start a sentence.
        var title: String { description.prefix(1).uppercased() + description.dropFirst() }
    }

    var podName: String
    var labels: [String: String]
    /// The network to create for the job, with its subnet.
    var createdNetwork: (name: String, subnet: String)?
    var pod: PodmanAPI.PodSpec
    var job: Container
    var services: [Container]
    /// Things the log should mention (ignored `ports:`).
    var notices: [String]
    var hostDirectory: String
    var hostWorkspace: String
    var hostRunnerTemp: String
    /// Container path → host path, longest container path first.
    var pathMappings: [(container: String, host: String)]

    static let keepAliveScript = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done"

    init(request: JobEnvironmentRequest, options: PodmanEnvironmentOptions, suffix: String, now: Date = Date()) throws {
        guard let jobRequest = request.container else {
            throw PodmanError(
                "The job has no container image: the Podman backend needs one (`container:` in the workflow, an image in the runner label, or -i IMAGE).")
        }
        for path in [options.workspacePath, options.runnerTempPath, options.toolCachePath] + options.additionalMounts.map(\.containerPath)
        where !path.hasPrefix("/") {
            throw PodmanError("The container path '\(path)' must be absolute.")
        }
        let base = Self.sanitize(request.name)
        podName = "hearth-\(base.isEmpty ? "job" : base)-\(suffix)"

        let temporary = options.hostTemporaryDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        hostDirectory = "\(temporary)/hearth-pod-\(suffix)"
        hostWorkspace = options.workspaceHostPath ?? "\(hostDirectory)/workspace"
        hostRunnerTemp = "\(hostDirectory)/temp"

        var labels = options.labels.merging(request.labels) { _, job in job }
        labels["hearth"] = "1"
        labels["hearth.pod"] = podName
        labels["hearth.created"] = String(Int(now.timeIntervalSince1970))
        labels["hearth.host-dir"] = hostDirectory
        self.labels = labels

        var seen: Set<String> = []
        for service in request.services {
            let valid = service.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
            guard !service.name.isEmpty, valid else {
                throw PodmanError("The service name '\(service.name)' cannot be used as a host name.")
            }
            guard seen.insert(service.name).inserted else { throw PodmanError("The service '\(service.name)' is defined twice.") }
        }

        var networks: [String: PodmanAPI.NetworkOptions]?
        var notices: [String] = []
        switch options.network {
        case .podmanDefault:
            createdNetwork = nil
        case .host:
            createdNetwork = nil
            if !request.services.isEmpty {
                notices.append("On the host network the services' names do not resolve (the pod uses this machine's /etc/hosts): reach them on localhost; their ports are this machine's.")
            }
        case .named(let name):
            networks = [name: PodmanAPI.NetworkOptions()]
            createdNetwork = nil
        case .ipv6Only:
            let name = "\(podName)-net"
            let groups = (0..<3).map { _ in String(UInt16.random(in: 1...UInt16.max), radix: 16) }
            createdNetwork = (name, "fd00:\(groups.joined(separator: ":"))::/64")
            networks = [name: PodmanAPI.NetworkOptions()]
        }
        // Every service name resolves to the pod's own loopback, in both address families.
        var hosts = request.services.flatMap { ["\($0.name):127.0.0.1", "\($0.name):::1"] }
        // Podman names the host only on IPv4 networks: on the job's IPv6-only network the host is
        // its gateway (where the cache and artifact servers, bound to ::, answer).
        if let created = createdNetwork, let gateway = Self.gateway(ofIPv6Subnet: created.subnet) {
            hosts.append("\(Self.hostAlias):\(gateway)")
        }
        pod = PodmanAPI.PodSpec(name: podName, labels: labels, hostAdd: hosts, networks: networks)
        if options.network == .host { pod.netns = PodmanAPI.Namespace(mode: "host") }

        func noticePorts(_ request: ContainerRequest, _ description: String) {
            guard !request.ports.isEmpty else { return }
            notices.append(
                "The ports of \(description) (\(request.ports.joined(separator: ", "))) are not published on the host: "
                    + "the job reaches its services by name or on localhost.")
        }

        // The job container: kept alive by a shell; steps run in it through exec sessions.
        let jobOptions = try PodmanContainerOptions.parse(jobRequest.options, owner: "the job container")
        var jobMounts = [
            PodmanAPI.Mount(destination: options.workspacePath, source: hostWorkspace, options: ["rbind", "rw"]),
            PodmanAPI.Mount(destination: options.runnerTempPath, source: hostRunnerTemp, options: ["rbind", "rw"]),
        ]
        jobMounts += options.additionalMounts.map {
            PodmanAPI.Mount(destination: $0.containerPath, source: $0.hostPath, options: ["rbind", $0.readOnly ? "ro" : "rw"])
        }
        // Each file of the runner's node on its own read-only bind mount: nothing is copied.
        jobMounts += (options.nodeBundle?.files ?? []).map {
            PodmanAPI.Mount(destination: "\(options.nodePath)/\($0.name)", source: $0.source, options: ["bind", "ro"])
        }
        let (extraMounts, jobVolumes) = try Self.volumes(jobRequest.volumes, owner: "the job container", policy: options.volumePolicy)
        var jobLabels = labels
        jobLabels["hearth.role"] = "job"
        job = Container(
            description: "the job container", serviceName: nil,
            spec: PodmanAPI.ContainerSpec(
                name: "\(podName)-job", pod: podName, image: jobRequest.image, entrypoint: ["/bin/sh", "-c"], command: [Self.keepAliveScript],
                env: jobRequest.environment.merging(jobOptions.environment) { _, option in option }, labels: jobLabels,
                mounts: jobMounts + extraMounts, volumes: jobVolumes, workDir: jobOptions.workingDirectory ?? options.workspacePath,
                user: jobOptions.user, resourceLimits: jobOptions.resourceLimits, healthConfig: jobOptions.healthConfig, stopTimeout: 2),
            request: jobRequest, healthInterval: jobOptions.healthInterval)
        noticePorts(jobRequest, "the job container")

        let (podName, baseLabels, policy) = (self.podName, labels, options.volumePolicy)
        services = try request.services.map { name, service in
            let owner = "service '\(name)'"
            let serviceOptions = try PodmanContainerOptions.parse(service.options, owner: owner)
            let (mounts, volumes) = try Self.volumes(service.volumes, owner: owner, policy: policy)
            func words(_ text: String?, _ what: String) throws -> [String]? {
                guard let text, !text.isEmpty else { return nil }
                do {
                    return try ShellWords.split(text)
                } catch {
                    throw PodmanError("The \(what) of \(owner) cannot be read: \(error).")
                }
            }
            var serviceLabels = baseLabels
            serviceLabels["hearth.role"] = "service"
            serviceLabels["hearth.service"] = name
            noticePorts(service, owner)
            let containerName = Self.sanitize(name).isEmpty ? "service" : Self.sanitize(name)
            return Container(
                description: owner, serviceName: name,
                spec: PodmanAPI.ContainerSpec(
                    name: "\(podName)-\(containerName)", pod: podName, image: service.image,
                    entrypoint: try words(service.entrypoint, "entrypoint"), command: try words(service.command, "command"),
                    env: service.environment.merging(serviceOptions.environment) { _, option in option }, labels: serviceLabels,
                    mounts: mounts, volumes: volumes, workDir: serviceOptions.workingDirectory, user: serviceOptions.user,
                    resourceLimits: serviceOptions.resourceLimits, healthConfig: serviceOptions.healthConfig, stopTimeout: 2),
                request: service, healthInterval: serviceOptions.healthInterval)
        }
        self.notices = notices

        let mappings = [(options.workspacePath, hostWorkspace), (options.runnerTempPath, hostRunnerTemp)]
            + options.additionalMounts.map { ($0.containerPath, $0.hostPath) }
        pathMappings = mappings.map { (Self.trimSlash($0.0), Self.trimSlash($0.1)) }.sorted { $0.container.count > $1.container.count }
    }

    /// The containers in start order: services first, the job container last.
    var containers: [Container] { services + [job] }

    /// `volumes:` entries as bind mounts and named/anonymous volumes, each checked against the policy.
    static func volumes(
        _ entries: [String], owner: String, policy: PodmanVolumePolicy
    ) throws -> ([PodmanAPI.Mount], [PodmanAPI.NamedVolume]) {
        var mounts: [PodmanAPI.Mount] = []
        var volumes: [PodmanAPI.NamedVolume] = []
        for entry in entries {
            let volume = try policy.validate(entry, owner: owner)
            switch volume.source {
            case .hostPath(let path):
                let mode = volume.options.contains("ro") ? "ro" : "rw"
                let relabel = volume.options.filter { $0 == "z" || $0 == "Z" }
                mounts.append(PodmanAPI.Mount(destination: volume.destination, source: path, options: ["rbind", mode] + relabel))
            case .named(let name):
                volumes.append(PodmanAPI.NamedVolume(name: name, destination: volume.destination, options: volume.options))
            case .anonymous:
                volumes.append(PodmanAPI.NamedVolume(name: "", destination: volume.destination))
            }
        }
        return (mounts, volumes)
    }

    /// A host path for a path inside the job container, when it lies in a shared directory.
    func hostPath(for path: String) -> String? {
        for mapping in pathMappings {
            if path == mapping.container { return mapping.host }
            if path.hasPrefix(mapping.container + "/") { return mapping.host + path.dropFirst(mapping.container.count) }
        }
        return nil
    }

    /// The name containers use for the machine Hearth runs on.
    static let hostAlias = "host.containers.internal"

    /// `fd00:a:b:c::/64` → `fd00:a:b:c::1`, the address netavark gives the host on that network.
    static func gateway(ofIPv6Subnet subnet: String) -> String? {
        guard let prefix = subnet.split(separator: "/").first, prefix.hasSuffix("::") else { return nil }
        return "\(prefix)1"
    }

    /// The path inside the job container of a host path, when it lies in a shared directory.
    func containerPath(for path: String) -> String? {
        for mapping in pathMappings {
            if path == mapping.host { return mapping.container }
            if path.hasPrefix(mapping.host + "/") { return mapping.container + path.dropFirst(mapping.host.count) }
        }
        return nil
    }

    /// A name Podman accepts in object names: `[a-z0-9_.-]`, at most 40 characters.
    static func sanitize(_ name: String) -> String {
        let mapped = name.lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "." || character == "-") ? character : "-"
        }
        var result = String(mapped.prefix(40))
        while let first = result.first, !(first.isLetter || first.isNumber) { result.removeFirst() }
        while result.hasSuffix("-") || result.hasSuffix(".") { result.removeLast() }
        return result
    }

    private static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
