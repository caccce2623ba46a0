import ArgumentParser
import Backends
import Cache
import Engine
import Forgejo
import Foundation
import Kube
import KubePod
import KubeRunner
import Logging

/// `hearth daemon`: fetches and runs tasks for the Forgejo instance it is registered with.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run as a Forgejo/Gitea runner: fetch tasks and run them.",
        discussion: "Reads config.yml (forgejo-runner's keys; -c) and the registration file (runner.file, default .runner). SIGTERM or Ctrl-C stops fetching, lets running tasks finish for runner.shutdown_timeout, then cancels and reports them.")

    @Option(name: [.customShort("c"), .customLong("config")], help: "config.yml to read.")
    var config: String?

    @Option(name: .customLong("ca-file"), help: "A PEM file of extra certificate authorities to trust for the instance (system CAs are always trusted).")
    var caFile: String?

    @Option(name: .customLong("metrics"), help: "Serve /metrics, /healthz and /readyz on this address, e.g. '[::]:9464' (off when not given).")
    var metricsAddress: String?

    func run() async throws {
        let (settings, warnings) = try loadConfig(config)
        let level = Logger.Level(rawValue: settings.log.level.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hearth")
        for warning in warnings { logger.warning("\(warning)") }

        let registration: RunnerRegistration
        do {
            registration = try RunnerRegistration.load(path: settings.runner.file)
        } catch {
            logger.critical("\(error) — register the runner first (hearth register)")
            throw ExitCode(1)
        }
        var labels = settings.runner.labels
        if labels.isEmpty {
            let (parsed, errors) = RunnerLabel.parseAll(registration.labels)
            for error in errors { logger.warning("ignoring label: \(error)") }
            labels = parsed
        }
        let address = registration.address.hasSuffix("/") ? String(registration.address.dropLast()) : registration.address
        let kubernetes: KubernetesSettings?
        do {
            kubernetes = try settings.kubernetesYAML.map { try KubernetesSettings.parse(try YAMLNodeJSON.value(yaml: $0), file: config ?? "config.yml") }
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        var podman: PodmanAccess?
        if kubernetes == nil, labels.contains(where: { if case .docker = $0.scheme { return true } else { return false } }) {
            var options = PodmanEnvironmentOptions()
            switch settings.container.network {
            case "", "bridge": options.network = .podmanDefault
            case "ipv6-only": options.network = .ipv6Only
            case "host": options.network = .host
            case let name: options.network = .named(name)
            }
            do {
                options.volumePolicy = try PodmanVolumePolicy(allowing: settings.container.validVolumes)
            } catch {
                logger.critical("container.valid_volumes: \(error)")
                throw ExitCode(1)
            }
            options.pullPolicy = settings.container.forcePull ? .always : .missing
            options.forceRebuild = settings.container.forceRebuild
            options.labels = ["hearth.runner": registration.uuid]
            do {
                options.nodeBundle = try await NodeBundle.ofRunner()
            } catch {
                logger.info("JavaScript actions need node in the job's image: \(error)")
            }
            do {
                options.additionalMounts.append(try ExecCommand.actionCacheMount("\(settings.host.workdirParent)/actions"))
            } catch {
                logger.critical("\(error)")
                throw ExitCode(1)
            }
            let dockerHost = settings.container.dockerHost
            let access = PodmanAccess(host: dockerHost.hasPrefix("unix://") ? dockerHost : nil, options: options)
            podman = access
            // Nothing of an earlier run of this runner survives a crash: no task of it is running now.
            do {
                let report = try await access.sweep()
                if !report.isEmpty {
                    logger.info("removed leftovers of an earlier run: \(report.pods.count) pod(s), \(report.containers.count) container(s), \(report.networks.count) network(s)")
                }
            } catch {
                logger.warning("cannot sweep leftover pods: \(error)")
            }
        }
        let daemonSettings = DaemonSettings(
            version: HearthVersion.current, address: address, runnerName: registration.name, capacity: settings.runner.capacity,
            fetchInterval: settings.fetchInterval(forInstance: address), fetchTimeout: settings.runner.fetchTimeout,
            reportTiming: ReportTiming(
                interval: settings.runner.reportInterval, maxRetries: settings.runner.reportRetry.maxRetries,
                initialDelay: settings.runner.reportRetry.initialDelay,
                maxDelay: settings.runner.reportRetry.maxDelay == .zero ? nil : settings.runner.reportRetry.maxDelay),
            jobTimeout: settings.runner.timeout, shutdownTimeout: settings.runner.shutdownTimeout,
            workdirParent: settings.host.workdirParent, actionCache: "\(settings.host.workdirParent)/actions",
            environment: settings.runner.envs,
            backends: BackendSelection(labels: labels, workdirParent: settings.host.workdirParent, podman: podman))

        var daemonSettingsWithCache = daemonSettings
        var cacheServer: CacheServer?
        if settings.cache.enabled {
            let cache = settings.cache
            // Podman job containers reach this machine as host.containers.internal (Hearth names it
            // on IPv6-only networks too); host jobs as 127.0.0.1. Mixed labels need cache.host.
            var advertisedHost: String? = cache.host.isEmpty ? nil : cache.host
            if advertisedHost == nil, podman != nil {
                if labels.allSatisfy({ if case .docker = $0.scheme { return true } else { return false } }) {
                    advertisedHost = "host.containers.internal"
                } else {
                    logger.warning("cache: jobs of docker:// labels cannot reach 127.0.0.1; set cache.host to an address both host and container jobs reach")
                }
            }
            let server = CacheServer(configuration: CacheServerConfiguration(
                directory: cache.dir, advertisedHost: advertisedHost,
                externalURL: !cache.actionsCacheURLOverride.isEmpty ? cache.actionsCacheURLOverride : (cache.externalServer.isEmpty ? nil : cache.externalServer),
                secret: cache.secret.isEmpty ? nil : cache.secret))
            if cache.externalServer.isEmpty {
                do {
                    let port = try await server.start(host: "::", port: Int(cache.port))
                    logger.info("cache server on [::]:\(port) (\(cache.dir))")
                    cacheServer = server
                } catch {
                    logger.critical("cache: cannot start the cache server: \(error) (set cache.enabled: false to run without it)")
                    throw ExitCode(1)
                }
            }
            daemonSettingsWithCache.cacheURL = { repository, ref in server.url(forToken: server.issueToken(repository: repository, ref: ref)) }
        }
        let connection: ConnectClient
        do {
            connection = try ConnectClient(
                address: address, uuid: registration.uuid, token: registration.token, caFile: caFile, insecure: settings.runner.insecure,
                timeout: settings.clientTimeout)
        } catch {
            logger.critical("cannot use the instance address '\(address)': \(error)")
            throw ExitCode(1)
        }
        let runnerClient = RunnerClient(connection: connection)
        let metrics = RunnerMetrics()
        let readiness = Readiness()
        let observability = ObservabilityServer(metrics: metrics, readiness: readiness)
        if let metricsAddress {
            guard let (host, port) = Self.split(metricsAddress) else {
                logger.critical("--metrics '\(metricsAddress)': expected HOST:PORT, e.g. [::]:9464")
                throw ExitCode(1)
            }
            let bound = await observability.start(host: host, port: port, logger: logger)
            guard bound > 0 else {
                logger.critical("cannot listen on \(metricsAddress) for metrics")
                throw ExitCode(1)
            }
            logger.info("metrics and health on \(metricsAddress.replacingOccurrences(of: ":\(port)", with: ":\(bound)"))")
        }

        let shutdown = CancellationSignal()
        let signals = SignalTrap { signal in
            logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"): no new tasks; running ones get \(daemonSettings.shutdownTimeout) to finish (again to stop at once)")
            readiness.set(ready: false, reason: "shutting down")
            shutdown.cancel(reason: "shutdown")
        }
        defer { signals.disarm() }

        // Kubernetes: wait for the Lease (a standby stays unready, so the Service sends agents to
        // the leader only), then start the controller; losing the Lease stops this process.
        var controller: KubeController?
        var election: KubeLeaderElection?
        var kubeClient: KubeClient?
        var holding: Task<Void, Never>?
        if let kubernetes {
            do {
                let cluster = try Self.cluster(for: kubernetes, registration: registration, logger: logger)
                election = cluster.election
                kubeClient = cluster.client
                readiness.set(ready: false, reason: "standby: waiting for lease \(cluster.election.namespace)/\(cluster.election.name)")
                let acquiring = Task { try await cluster.election.acquire() }
                let token = shutdown.onCancel { _ in acquiring.cancel() }
                try await acquiring.value
                shutdown.remove(token)
                let started = try await Self.startController(
                    kubernetes, cluster: cluster, labels: labels, registration: registration, daemon: daemonSettingsWithCache,
                    reporting: runnerClient, logger: logger)
                controller = started
                daemonSettingsWithCache.executor = started
                holding = Task {
                    await cluster.election.holdUntilLost()
                    if !Task.isCancelled {
                        logger.critical("kubernetes: lost the lease; stopping (running job pods keep running; the new leader adopts them)")
                        readiness.set(ready: false, reason: "lost the lease")
                        shutdown.cancel(reason: "lost the lease")
                    }
                }
            } catch is CancellationError {
                logger.info("stopped while waiting for the lease")
                await kubeClient?.shutdown()
                observability.stop()
                try? await connection.shutdown()
                return
            } catch {
                logger.critical("kubernetes: \(error)")
                await controller?.stop()
                await kubeClient?.shutdown()
                observability.stop()
                try? await connection.shutdown()
                throw ExitCode(1)
            }
        }
        let daemon = RunnerDaemon(settings: daemonSettingsWithCache, client: runnerClient, metrics: metrics, readiness: readiness, logger: logger)
        do {
            try await daemon.run(shutdown: shutdown)
        } catch {
            logger.critical("\(error)")
            observability.stop()
            holding?.cancel()
            await controller?.stop()
            await election?.release()
            await kubeClient?.shutdown()
            try? await connection.shutdown()
            throw ExitCode(1)
        }
        observability.stop()
        holding?.cancel()
        await controller?.stop()
        await election?.release()
        await kubeClient?.shutdown()
        await podman?.close()
        await cacheServer?.stop()
        try? await connection.shutdown()
    }

    /// The Kubernetes controller for `kubernetes:` in config.yml: the cluster from the kubeconfig or
    /// in-cluster, the agent channel listening, the job pods watched and re-adopted.
    static func startController(
        _ kubernetes: KubernetesSettings, cluster: KubeCluster, labels: [RunnerLabel], registration: RunnerRegistration, daemon: DaemonSettings,
        reporting: RunnerClient, logger: Logger
    ) async throws -> KubeController {
        guard let agentImage = kubernetes.agentImage, !agentImage.isEmpty else {
            throw DaemonSetupError("kubernetes.agent_image must name Hearth's image (job pods run `hearth agent` from it)")
        }
        if kubernetes.controllerURL == nil {
            logger.warning("kubernetes.controller_url is not set: job pods will dial http://127.0.0.1 (only right when they share this host's network)")
        }
        guard let (host, port) = split(kubernetes.listen) else {
            throw DaemonSetupError("kubernetes.listen '\(kubernetes.listen)': expected HOST:PORT, e.g. [::]:8090")
        }
        let namespace = cluster.namespace
        let kube = cluster.client
        let controller = KubeController(
            configuration: .init(
                settings: kubernetes, namespace: namespace, runnerID: registration.uuid, labels: labels, daemon: daemon,
                controllerURL: kubernetes.controllerURL, agentImage: agentImage),
            kube: kube, reporting: reporting, tokens: AgentTokens(secret: registration.token), logger: logger)
        let bound = try await controller.start(host: host, port: port)
        logger.info("kubernetes: jobs run as pods in namespace \(namespace) of \(cluster.configuration.server); agents dial \(controller.controllerURL) (listening on port \(bound))")
        return controller
    }

    /// The cluster connection and this replica's leader election.
    struct KubeCluster {
        var configuration: KubeConfiguration
        var namespace: String
        var client: KubeClient
        var election: KubeLeaderElection
    }

    static func cluster(for kubernetes: KubernetesSettings, registration: RunnerRegistration, logger: Logger) throws -> KubeCluster {
        let configuration = try KubeConfiguration.automatic(kubeconfig: kubernetes.kubeconfig, context: kubernetes.context)
        let namespace = kubernetes.namespace ?? configuration.namespace
        let client = try KubeClient(configuration: configuration, logger: logger)
        let environment = ProcessInfo.processInfo.environment
        let identity = environment["POD_NAME"] ?? "\(ProcessInfo.processInfo.hostName)-\(UUID().uuidString.prefix(8).lowercased())"
        let election = KubeLeaderElection(
            client: client, namespace: namespace, name: "hearth-\(registration.uuid.lowercased())", identity: identity, logger: logger)
        return KubeCluster(configuration: configuration, namespace: namespace, client: client, election: election)
    }

    struct DaemonSetupError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// `[::]:9464`, `127.0.0.1:9464`, `:9464` → host and port.
    static func split(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "::" : host, port)
    }
}
