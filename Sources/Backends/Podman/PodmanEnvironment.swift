import Foundation
import Synchronization

/// Runs a job in a Podman pod: the job container plus one container per service, sharing the
/// pod's network namespace (services answer on localhost and by name, through `/etc/hosts`).
/// Steps run in the job container through exec sessions; the workspace and `RUNNER_TEMP` are host
/// directories bind-mounted into it, so Hearth reads and writes step files directly.
///
/// Every object carries the label `hearth=1` (plus the job's and the options' labels), so
/// `PodmanSweep` can remove what a crashed runner left behind.
public final class PodmanEnvironment: ExecutionEnvironment {
    public let kind = "podman"
    public let workspace: String
    public let runnerTemp: String
    public let toolCache: String
    public let supportsContainers = true
    /// The pod's name.
    public let podName: String
    /// The container steps run in.
    public let jobContainerName: String
    /// Things worth a line in the job log (e.g. `ports:` that are not published).
    public let notices: [String]
    /// Labels on every object of the job.
    public let labels: [String: String]
    private let programs = Mutex<[String: Bool]>([:])
    /// `node(configured:path:)` per `PATH`: every stage of every JavaScript action asks.
    private let nodes = Mutex<[String: NodeCommand?]>([:])

    private let client: PodmanClient
    private let plan: PodmanPodPlan
    private let imageEnvironment: [String: String]
    private let tornDown = Mutex(false)
    private let injectedNode: NodeCommand?
    private let pullPolicy: PodmanEnvironmentOptions.PullPolicy
    private let forceRebuild: Bool
    private let containerSteps = Mutex(0)

    private init(client: PodmanClient, plan: PodmanPodPlan, options: PodmanEnvironmentOptions, imageEnvironment: [String: String]) {
        self.client = client
        self.plan = plan
        self.imageEnvironment = imageEnvironment
        workspace = options.workspacePath
        runnerTemp = options.runnerTempPath
        toolCache = options.toolCachePath
        podName = plan.podName
        jobContainerName = plan.job.spec.name
        notices = plan.notices
        labels = plan.labels
        injectedNode = options.nodeBundle?.command(at: options.nodePath)
        pullPolicy = options.pullPolicy
        forceRebuild = options.forceRebuild
    }

    /// Creates and starts the job's pod, waits for its services to be healthy, and returns the
    /// environment. On failure nothing is left behind and the error says what went wrong
    /// (an unknown image, an unsupported option, a volume not allowed, an unhealthy service…).
    public static func create(
        client: PodmanClient, request: JobEnvironmentRequest, options: PodmanEnvironmentOptions = PodmanEnvironmentOptions()
    ) async throws -> PodmanEnvironment {
        let suffix = String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))
        var plan = try PodmanPodPlan(request: request, options: options, suffix: suffix)

        // Images first: an unknown image fails the job before anything exists.
        var resolved: [String: String] = [:]
        for container in plan.containers where resolved[container.request.image] == nil {
            resolved[container.request.image] = try await ensureImage(
                container.request, for: container.description, client: client, policy: options.pullPolicy)
        }
        plan.job.spec.image = resolved[plan.job.spec.image] ?? plan.job.spec.image
        for index in plan.services.indices {
            plan.services[index].spec.image = resolved[plan.services[index].spec.image] ?? plan.services[index].spec.image
        }

        // A named IPv6-only network: Podman does not name the host on it, so Hearth does.
        if case .named(let name) = options.network, let network = try? await client.inspectNetwork(name),
           let subnets = network.subnets, !subnets.contains(where: { !$0.subnet.contains(":") }),
           let gateway = subnets.compactMap(\.gateway).first {
            plan.pod.hostAdd.append("\(PodmanPodPlan.hostAlias):\(gateway)")
        }

        var created = CreatedObjects(hostDirectory: plan.hostDirectory)
        do {
            try createHostDirectories(plan, options: options)
            if let network = plan.createdNetwork {
                try await client.createNetwork(PodmanAPI.NetworkSpec(name: network.name, subnets: [network.subnet], labels: plan.labels))
                created.network = network.name
            }
            // Recorded first: a creation that fails half-way can leave the pod behind.
            created.pod = plan.podName
            try await client.createPod(plan.pod)
            for container in plan.containers {
                try await client.createContainer(container.spec)
                created.containers.append(container.spec.name)
            }
            for container in plan.containers {
                do {
                    try await client.startContainer(container.spec.name)
                } catch {
                    throw PodmanError("Cannot start \(container.description) (\(container.request.image)): \(error)")
                }
            }
            try await waitUntilHealthy(plan.containers.filter { $0.spec.healthConfig != nil }, client: client, timeout: options.healthTimeout)
            let inspect = try await client.inspectContainer(plan.job.spec.name)
            let environment = Self.environment(from: inspect.config.env ?? [])
            return PodmanEnvironment(client: client, plan: plan, options: options, imageEnvironment: environment)
        } catch {
            await remove(created, client: client)
            throw error
        }
    }

    public func baseEnvironment() -> [String: String] { imageEnvironment }

    /// Looks the program up inside the job container (`command -v`), once per program.
    public func hasProgram(_ program: String, path: String?) async -> Bool {
        if let known = programs.withLock({ $0[program] }) { return known }
        let script = "PATH=\"$1\" command -v \"$2\" >/dev/null 2>&1"
        let found = ((try? await client.run(in: jobContainerName, ["/bin/sh", "-c", script, "sh", path ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", program]))?.exitCode ?? 1) == 0
        programs.withLock { $0[program] = found }
        return found
    }

    public func environmentPath(for hostPath: String) -> String? { plan.containerPath(for: hostPath) }

    /// A container in the job's pod (same network: services answer on the same names) with the
    /// workspace and `RUNNER_TEMP` mounted where the job container has them.
    public func runContainer(_ step: ContainerStep, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> any RunningProcess {
        let number = containerSteps.withLock { value -> Int in
            value += 1
            return value
        }
        do {
            let owner = "the step's container"
            let image = try await Self.ensureImage(
                ContainerRequest(image: step.image), for: owner, client: client, policy: pullPolicy, announcePull: log)
            var mounts: [PodmanAPI.Mount] = []
            for path in [workspace, runnerTemp] {
                guard let host = plan.hostPath(for: path) else { continue }
                mounts.append(PodmanAPI.Mount(destination: path, source: host, options: ["rbind", "rw"]))
            }
            var labels = plan.labels
            labels["hearth.role"] = "step"
            let name = "\(podName)-step-\(number)"
            _ = try await client.createContainer(PodmanAPI.ContainerSpec(
                name: name, pod: podName, image: image, entrypoint: step.entrypoint.map { [$0] },
                command: step.arguments.isEmpty && step.entrypoint == nil ? nil : step.arguments,
                env: step.environment, labels: labels, mounts: mounts, workDir: step.workingDirectory, stopTimeout: 2))
            return try await PodmanContainerProcess.start(client: client, container: name)
        } catch let error as PodmanError {
            throw ProcessLaunchError(error.message)
        } catch {
            throw ProcessLaunchError("\(error)")
        }
    }

    /// Builds with Podman from a tar of the context directory; an image already built under the
    /// tag is reused unless `forceRebuild`.
    public func buildImage(_ build: ImageBuild, log: @escaping @Sendable (String) -> Void) async throws(ProcessLaunchError) -> String {
        do {
            if !build.forceRebuild, !forceRebuild, try await client.imageExists(build.tag) { return build.tag }
            log("Building \(build.tag) from \(build.dockerfile)")
            let archive = try await ContextArchive.make(of: build.contextDirectory)
            for line in try await client.buildImage(contextArchive: archive, dockerfile: build.dockerfile, tag: build.tag) { log(line) }
            return build.tag
        } catch let error as PodmanError {
            throw ProcessLaunchError(error.message)
        } catch {
            throw ProcessLaunchError("\(error)")
        }
    }

    /// The image's own node when `path` finds one (as act and forgejo-runner use it), else the
    /// runner's node mounted at `options.nodePath`; nil when neither exists.
    public func node(configured: String?, path: String?) async -> NodeCommand? {
        let search = path ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        if let known = nodes.withLock({ $0[search] }) { return known }
        var found = injectedNode
        let script = "PATH=\"$1\" node --version 2>/dev/null"
        if let probe = try? await client.run(in: jobContainerName, ["/bin/sh", "-c", script, "sh", search]), probe.exitCode == 0,
           let version = probe.output.first(where: { $0.hasPrefix("v") }) {
            found = NodeCommand(executable: "node", major: NodeVersion.major(version), origin: "the image's node \(version)")
        }
        nodes.withLock { $0[search] = found }
        return found
    }

    public func hostPath(for environmentPath: String) -> String {
        plan.hostPath(for: environmentPath) ?? environmentPath
    }

    public func start(_ spec: ProcessSpec) async throws(ProcessLaunchError) -> any RunningProcess {
        if let hostDirectory = plan.hostPath(for: spec.workingDirectory) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: hostDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ProcessLaunchError("working directory '\(spec.workingDirectory)' does not exist")
            }
        }
        let exec = PodmanAPI.ExecSpec(
            command: PodmanExecProcess.command(executable: spec.executable, arguments: spec.arguments, environment: spec.environment),
            environment: spec.environment,
            workingDirectory: spec.workingDirectory)
        do {
            return try await PodmanExecProcess.start(client: client, container: jobContainerName, spec: exec)
        } catch {
            throw ProcessLaunchError("cannot start '\(spec.executable)' in the job container: \(error)")
        }
    }

    public func teardown() async {
        let first = tornDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        var created = CreatedObjects(hostDirectory: plan.hostDirectory)
        created.network = plan.createdNetwork?.name
        created.pod = podName
        created.containers = plan.containers.map(\.spec.name)
        await Self.remove(created, client: client)
    }

    // MARK: - Creation steps

    /// What exists so far, to undo on failure (and at teardown).
    private struct CreatedObjects {
        var hostDirectory: String
        var network: String?
        var pod: String?
        var containers: [String] = []
    }

    /// Removes the objects, even when the calling task was cancelled (a cancelled job must still
    /// clean up, and the HTTP client gives up on requests of cancelled tasks).
    private static func remove(_ created: CreatedObjects, client: PodmanClient) async {
        await Task.detached { await removeNow(created, client: client) }.value
    }

    private static func removeNow(_ created: CreatedObjects, client: PodmanClient) async {
        if let pod = created.pod { try? await client.killPod(pod) }
        for container in created.containers.reversed() { try? await client.removeContainer(container) }
        if let pod = created.pod { try? await client.removePod(pod) }
        if let network = created.network { try? await client.removeNetwork(network) }
        // RUNNER_TEMP, and the workspace unless the caller gave one (which lives elsewhere).
        try? FileManager.default.removeItem(atPath: created.hostDirectory)
    }

    private static func createHostDirectories(_ plan: PodmanPodPlan, options: PodmanEnvironmentOptions) throws {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: plan.hostDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            // World-writable like /tmp, so a job container running as another user can write there too.
            try fileManager.createDirectory(atPath: plan.hostRunnerTemp, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o1777])
            if options.workspaceHostPath == nil {
                try fileManager.createDirectory(atPath: plan.hostWorkspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
            } else {
                try fileManager.createDirectory(atPath: plan.hostWorkspace, withIntermediateDirectories: true)
            }
        } catch {
            throw PodmanError("Cannot create the job's directories under \(plan.hostDirectory): \(error)")
        }
    }

    /// The reference to create containers from: the image as named when it is local, otherwise
    /// pulled (short names as Docker reads them: `node:20` is `docker.io/library/node:20`).
    static func ensureImage(
        _ request: ContainerRequest, for owner: String, client: PodmanClient, policy: PodmanEnvironmentOptions.PullPolicy,
        announcePull: ((String) -> Void)? = nil
    ) async throws -> String {
        let image = request.image
        guard !image.isEmpty else { throw PodmanError("The image of \(owner) is empty.") }
        let present = try await client.imageExists(image)
        if present && (policy != .always || qualifiedReference(image).hasPrefix("localhost/")) { return image }
        if policy == .never {
            throw PodmanError("The image '\(image)' of \(owner) is not present locally and the pull policy forbids pulling it.")
        }
        let reference = qualifiedReference(image)
        if reference.hasPrefix("localhost/") {
            throw PodmanError(
                "The image '\(image)' of \(owner) is not present locally; localhost/ images are built or loaded on this machine and cannot be pulled.")
        }
        announcePull?("Pulling \(reference)")
        do {
            try await client.pullImage(reference, username: request.username, password: request.password)
        } catch {
            // force_pull with a registry out of reach: the local copy still runs the job.
            if present { return image }
            throw PodmanError("The image '\(image)' of \(owner) is not present locally and cannot be pulled: \(error)")
        }
        return reference
    }

    /// Docker's normalisation of image names: no registry means Docker Hub, no path means `library/`.
    static func qualifiedReference(_ image: String) -> String {
        let firstComponent = image.split(separator: "/", maxSplits: 1).first.map(String.init) ?? image
        let hasRegistry = image.contains("/") && (firstComponent.contains(".") || firstComponent.contains(":") || firstComponent == "localhost")
        if hasRegistry { return image }
        return image.contains("/") ? "docker.io/\(image)" : "docker.io/library/\(image)"
    }

    /// Runs each container's health check until it is healthy, all at once; fails with the
    /// first container that exits, turns unhealthy or runs out of time.
    private static func waitUntilHealthy(_ containers: [PodmanPodPlan.Container], client: PodmanClient, timeout: Duration) async throws {
        guard !containers.isEmpty else { return }
        let deadline = ContinuousClock.now + timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask { try await waitUntilHealthy(container, client: client, deadline: deadline, timeout: timeout) }
            }
            try await group.waitForAll()
        }
    }

    private static func waitUntilHealthy(
        _ container: PodmanPodPlan.Container, client: PodmanClient, deadline: ContinuousClock.Instant, timeout: Duration
    ) async throws {
        let name = container.spec.name
        let interval = container.healthInterval.map { max($0, .milliseconds(100)) } ?? .seconds(1)
        var checks = 0
        while true {
            // Podman schedules health checks with systemd timers, which need not exist: run them here.
            do {
                try await client.runHealthcheck(name)
                checks += 1
            } catch {
                let state = try? await client.inspectContainer(name).state
                if let state, !state.running { try await failExited(container, state: state, client: client) }
                throw PodmanError("Cannot check the health of \(container.description): \(error)")
            }
            let state = try await client.inspectContainer(name).state
            if state.health?.status == "healthy" { return }
            if !state.running { try await failExited(container, state: state, client: client) }
            let output = state.health?.log?.last?.output?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let detail = output.isEmpty ? "" : " Last health check output: \(output)"
            if state.health?.status == "unhealthy" {
                let failures = state.health?.failingStreak ?? checks
                throw PodmanError("\(container.title) is unhealthy: its health check failed \(failures) times in a row.\(detail)")
            }
            if ContinuousClock.now + interval > deadline {
                throw PodmanError("\(container.title) did not become healthy within \(timeout).\(detail)")
            }
            try await Task.sleep(for: interval)
        }
    }

    private static func failExited(
        _ container: PodmanPodPlan.Container, state: PodmanAPI.ContainerInspect.State, client: PodmanClient
    ) async throws -> Never {
        let logs = (try? await client.containerLogs(container.spec.name, tail: 10)) ?? []
        let output = logs.isEmpty ? "" : " Its last output:\n" + logs.joined(separator: "\n")
        throw PodmanError(
            "\(container.title) exited with code \(state.exitCode ?? -1) before it became healthy.\(output)")
    }

    static func environment(from entries: [String]) -> [String: String] {
        var environment: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return environment
    }
}
