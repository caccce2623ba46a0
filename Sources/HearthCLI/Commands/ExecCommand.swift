import ArgumentParser
import Artifacts
import Backends
import Cache
import Engine
import Expressions
import Foundation
import Workflow

/// `hearth exec`: runs a repository's workflows on this machine, with forgejo-runner exec's flags.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run workflows of a local repository on this machine.",
        discussion: """
            Reads the workflows in the repository (-C, default: the current directory) from -W, or from \
            .forgejo/workflows, .gitea/workflows or .github/workflows, and runs the jobs triggered by the event \
            (-E, default: push, or the workflow's first trigger when it has no push). Exits 0 exactly when every \
            job that ran succeeded.
            """)

    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository to run in.")
    var directory = "."

    @Option(name: [.customShort("W"), .customLong("workflows")], help: "A workflow file, or a directory of them.")
    var workflows: String?

    @Option(name: [.customShort("E"), .customLong("event")], help: "The event that triggers the run (push, pull_request, workflow_dispatch, …).")
    var event: String?

    @Argument(help: "The event, as an alternative to -E.")
    var positionalEvent: String?

    @Option(name: [.customShort("j"), .customLong("job")], help: "Run only this job (and the jobs it needs).")
    var job: String?

    @Option(name: [.customShort("e"), .customLong("event-path")], help: "A JSON file with the event payload (github.event).")
    var eventPath: String?

    @Option(name: [.customShort("s"), .customLong("secret")], help: "A secret as NAME=VALUE, or NAME to take it from Hearth's environment. Repeatable.")
    var secrets: [String] = []

    @Option(name: .customLong("secret-file"), help: "A file of NAME=VALUE secrets.")
    var secretFile: String?

    @Option(name: .customLong("env"), help: "An environment variable for every step, NAME=VALUE. Repeatable.")
    var environment: [String] = []

    @Option(name: .customLong("env-file"), help: "A file of NAME=VALUE environment variables.")
    var environmentFile: String?

    @Option(name: .customLong("var"), help: "A configuration variable (vars context), NAME=VALUE. Repeatable.")
    var variables: [String] = []

    @Option(name: .customLong("input"), help: "A workflow_dispatch input, NAME=VALUE. Repeatable.")
    var inputs: [String] = []

    @Option(name: .customLong("default-actions-url"), help: "Where 'uses: owner/repo@ref' actions are fetched from.")
    var defaultActionsURL = "https://data.forgejo.org"

    @Option(name: .customLong("action-cache"), help: "Where fetched actions are kept (default: ~/.cache/hearth/actions).")
    var actionCache: String?

    @Option(name: .customLong("action-token"), help: "A token sent when fetching actions from the default actions URL's host.")
    var actionToken: String?

    @Flag(name: .customLong("offline"), help: "Reuse the commits refs resolved to earlier without asking the server (actions not cached are still fetched).")
    var offline = false

    @Option(name: [.customShort("i"), .customLong("image")], help: "Run jobs in containers of this image (container backends).")
    var image: String?

    @Option(name: .customLong("backend"), help: "Where jobs run: host, podman or kubernetes.")
    var backend: String?

    @Option(name: .customLong("network"), help: "Podman network for job pods (default: podman's; 'ipv6-only' creates an IPv6-only network per job).")
    var network: String?

    @Flag(name: .customLong("pull"), help: "Pull images even when they are present (container.force_pull).")
    var pull = false

    @Flag(name: .customLong("rebuild"), help: "Rebuild the images of Dockerfile actions even when present (container.force_rebuild).")
    var rebuild = false

    @Option(name: .customLong("container-socket"), help: "Podman (or Docker-compatible) API socket, e.g. unix:///run/podman/podman.sock; without it a 'podman system service' runs for the duration of the command.")
    var containerSocket: String?

    @Option(name: .customLong("valid-volume"), help: "A volume jobs may mount (container.valid_volumes; glob, repeatable).")
    var validVolumes: [String] = []

    @Flag(name: .customLong("no-cache-server"), help: "Do not start the embedded actions/cache server (ACTIONS_CACHE_URL stays unset).")
    var noCacheServer = false

    @Option(name: .customLong("cache-server-path"), help: "Where the embedded cache server keeps entries (default: ~/.cache/hearth/cache).")
    var cacheServerPath: String?

    @Option(name: .customLong("cache-server-addr"), help: "The host jobs use to reach the cache server (default: localhost; host.containers.internal for Podman).")
    var cacheServerAddress: String?

    @Option(name: .customLong("artifact-server-path"), help: "Serve actions/upload-artifact and download-artifact locally (v3 and v4 protocols), storing under this directory (<run id>/<name>/…).")
    var artifactServerPath: String?

    @Option(name: .customLong("artifact-server-addr"), help: "The host jobs use to reach the artifact server (default: localhost; host.containers.internal for Podman).")
    var artifactServerAddress: String?

    @Option(name: .customLong("artifact-server-port"), help: "The artifact server's port (default: a free one).")
    var artifactServerPort: Int = 0

    @Option(name: .customLong("parallel"), help: "How many jobs run at once.")
    var parallel: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)

    @Option(name: .customLong("server-url"), help: "The Forgejo instance jobs see as github.server_url and GITHUB_SERVER_URL (default: where the origin remote points, else https://localhost).")
    var serverURL: String?

    @Flag(name: .customLong("no-skip-checkout"), help: "Run actions/checkout instead of using the working tree as it is (jobs then get an empty workspace of their own: the working tree is never touched).")
    var noSkipCheckout = false

    @Flag(name: .customLong("json"), help: "Print events as JSON lines instead of the console log.")
    var json = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Also print the scripts of run steps.")
    var verbose = false

    @Flag(name: [.customShort("l"), .customLong("list")], help: "List the jobs that would run, then exit.")
    var list = false

    func run() async throws {
        do {
            let exitCode = try await execute()
            if exitCode != 0 { throw ExitCode(exitCode) }
        } catch let error as ExecError {
            printError("hearth exec: \(error.description)")
            throw ExitCode(1)
        }
    }

    private func execute() async throws -> Int32 {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExecError("directory '\(directory)' does not exist")
        }
        let backendName = backend ?? (image == nil ? "host" : "podman")
        guard backendName == "host" || backendName == "podman" else {
            throw ExecError("the \(backendName) backend is not available in this version of Hearth; use --backend host or --backend podman")
        }

        let repository = LocalRepository.inspect(root)
        // Checkout cleans its target: with --no-skip-checkout jobs get an empty workspace of
        // their own, never the working tree.
        let workspace: String
        if noSkipCheckout {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-exec-\(UUID().uuidString.prefix(8))")
            workspace = scratch.appendingPathComponent((root as NSString).lastPathComponent).path
            do {
                try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
            } catch {
                throw ExecError("cannot create a workspace for --no-skip-checkout: \(error)")
            }
            printError("hearth exec: --no-skip-checkout: jobs run in the empty workspace \(workspace) (removed at the end), not in \(root)")
            if !secrets.contains(where: { $0 == "GITHUB_TOKEN" || $0.hasPrefix("GITHUB_TOKEN=") }), secretFile == nil {
                printError("hearth exec: actions/checkout needs a token: pass --secret GITHUB_TOKEN=… (any value when the server allows anonymous clones)")
            }
        } else {
            workspace = root
        }
        defer { if noSkipCheckout { try? FileManager.default.removeItem(atPath: (workspace as NSString).deletingLastPathComponent) } }
        let files: [String]
        do { files = try WorkflowDiscovery.files(at: workflows, in: root) } catch { throw ExecError(error.description) }
        var loaded: [Workflow] = []
        var problems: [String] = []
        for file in files {
            do { loaded.append(try WorkflowReader.read(path: file)) } catch { problems += error.errors.map(\.description) }
        }
        guard problems.isEmpty else { throw ExecError("invalid workflow:\n" + problems.joined(separator: "\n")) }

        let selection = try select(loaded)
        if list {
            for (workflow, event) in selection {
                for job in workflow.jobs {
                    print("\(workflow.file)\t\(event)\t\(job.id)\t\(job.name ?? job.id)")
                }
            }
            return 0
        }

        var secretValues = try loadPairs(secrets, file: secretFile, option: "--secret")
        if secretValues["GITHUB_TOKEN"] == nil, let token = secretValues["FORGEJO_TOKEN"] ?? secretValues["GITEA_TOKEN"] { secretValues["GITHUB_TOKEN"] = token }
        let environmentValues = try loadPairs(environment, file: environmentFile, option: "--env")
        let variableValues = try loadPairs(variables, file: nil, option: "--var")
        let inputValues = try loadPairs(inputs, file: nil, option: "--input")
        let payload = try loadEventPayload()

        let sink: any EventSink
        let console: ConsoleReporter?
        if json {
            sink = JSONEventReporter()
            console = nil
        } else {
            let names = selection.count > 1 ? Dictionary(selection.map { ($0.0.file, $0.0.name ?? ($0.0.file as NSString).lastPathComponent) }, uniquingKeysWith: { a, _ in a }) : nil
            let reporter = ConsoleReporter(showCommands: verbose, workflowNames: names)
            sink = reporter
            console = reporter
        }

        let cancellation = CancellationSignal()
        let signals = SignalTrap { signal in
            printError("hearth: received \(signal == SIGINT ? "interrupt" : "termination request"), cancelling (again to stop at once)")
            cancellation.cancel(reason: "Cancelled by the user")
        }
        defer { signals.disarm() }

        let limit = AsyncSemaphore(permits: parallel)
        let fetcher = makeFetcher()
        var cacheServer: CacheServer?
        var cacheURL: String?
        if !noCacheServer {
            let server = CacheServer(configuration: CacheServerConfiguration(
                directory: cacheServerPath ?? "\(NSHomeDirectory())/.cache/hearth/cache",
                advertisedHost: cacheServerAddress ?? (backendName == "podman" ? "host.containers.internal" : "localhost")))
            do {
                _ = try await server.start(host: "::", port: 0)
                cacheServer = server
                cacheURL = server.url(forToken: server.issueToken(repository: repository.repository, ref: nil))
            } catch {
                printError("hearth exec: the cache server could not start (\(error)); actions/cache will not find a server")
            }
        }
        var artifactServer: ArtifactServer?
        if let artifactServerPath {
            let server = ArtifactServer(
                directory: artifactServerPath,
                advertisedHost: artifactServerAddress ?? (backendName == "podman" ? "host.containers.internal" : "localhost"))
            do {
                _ = try await server.start(host: "::", port: artifactServerPort)
                artifactServer = server
            } catch {
                throw ExecError("--artifact-server-path: the artifact server could not start: \(error)")
            }
        }
        let factory: any EnvironmentFactory
        var podman: PodmanConnection?
        if backendName == "podman" {
            do {
                podman = try await PodmanConnection.open(host: containerSocket)
            } catch {
                throw ExecError("cannot use Podman: \(error)")
            }
            var options = PodmanEnvironmentOptions()
            options.workspaceHostPath = workspace
            options.workspacePath = "/workspace/\(repository.repository)"
            do {
                options.volumePolicy = try PodmanVolumePolicy(allowing: validVolumes)
            } catch {
                throw ExecError("--valid-volume: \(error)")
            }
            switch network {
            case nil: options.network = .podmanDefault
            case "ipv6-only"?: options.network = .ipv6Only
            case "host"?: options.network = .host
            case let name?: options.network = .named(name)
            }
            // Without node on this machine, JavaScript actions need node in the job's image.
            options.nodeBundle = try? await NodeBundle.ofRunner()
            options.pullPolicy = pull ? .always : .missing
            options.forceRebuild = rebuild
            options.additionalMounts.append(try Self.actionCacheMount(actionCacheDirectory))
            factory = PodmanEnvironmentFactory(client: podman!.client, options: options, defaultImage: image)
        } else {
            factory = HostEnvironmentFactory(
                workspace: workspace,
                toolCache: ProcessInfo.processInfo.environment["RUNNER_TOOL_CACHE"] ?? "\(NSHomeDirectory())/.cache/hearth/toolcache")
        }
        var summaries: [JobSummary] = []
        await withTaskGroup(of: [JobSummary].self) { group in
            for (workflow, event) in selection {
                var context: RunContext
                do {
                    context = try LocalRunContext.make(
                        workflow: workflow, event: event, payload: payload, repository: repository, secrets: secretValues,
                        environment: environmentValues.merging(cacheURL.map { ["ACTIONS_CACHE_URL": $0] } ?? [:]) { given, _ in given },
                        variables: variableValues, inputs: inputValues, fetcher: fetcher, skipCheckout: !noSkipCheckout,
                        defaultActionsURL: defaultActionsURL, serverURL: serverURL)
                } catch {
                    printError("hearth exec: \(error)")
                    summaries.append(JobSummary(jobID: workflow.file, result: .failure, outputs: [:], instances: []))
                    continue
                }
                // The run id in the artifact URLs and token must be the job's GITHUB_RUN_ID.
                if let artifactServer, let runID = context.github["run_id"]?.stringValue {
                    context.runnerEnvironment.merge(artifactServer.environment(runID: runID)) { given, _ in given }
                }
                let runner = WorkflowRunner(
                    workflow: workflow, run: context, environments: factory, sink: sink, cancellation: cancellation, limit: limit,
                    selectedJobs: job.map { [$0] })
                group.addTask { await runner.execute() }
            }
            for await result in group { summaries += result }
        }
        console?.printSummary()
        await podman?.close()
        await cacheServer?.stop()
        await artifactServer?.stop()

        if cancellation.isCancelled { return signals.lastSignal == SIGTERM ? 143 : 130 }
        let ranAndFailed = summaries.contains { summary in
            summary.result == .failure || summary.result == .cancelled || summary.instances.contains { $0.1 == .cancelled }
        }
        return ranAndFailed ? 1 : 0
    }

    /// The workflows to run and the event each runs for.
    private func select(_ workflows: [Workflow]) throws -> [(Workflow, String)] {
        let requested = event ?? positionalEvent
        var selection: [(Workflow, String)] = []
        for workflow in workflows {
            if let job {
                guard workflow.job(job) != nil else { continue }
                selection.append((workflow, requested ?? defaultEvent(of: workflow)))
                continue
            }
            let names = workflow.triggers.events.map(\.name)
            if let requested {
                if names.contains(requested) { selection.append((workflow, requested)) }
            } else {
                selection.append((workflow, defaultEvent(of: workflow)))
            }
        }
        if selection.isEmpty {
            if let job { throw ExecError("no workflow has a job '\(job)'") }
            throw ExecError("no workflow is triggered by '\(requested ?? "push")'; pass -E EVENT or -j JOB")
        }
        return selection
    }

    private func defaultEvent(of workflow: Workflow) -> String {
        let names = workflow.triggers.events.map(\.name)
        return names.contains("push") || names.isEmpty ? "push" : names[0]
    }

    private func loadPairs(_ items: [String], file: String?, option: String) throws -> [String: String] {
        do {
            var values = try file.map { try KeyValueInput.file($0, option: option + "-file") } ?? [:]
            values.merge(try KeyValueInput.pairs(items, option: option)) { _, new in new }
            return values
        } catch {
            throw ExecError("\(error)")
        }
    }

    private func loadEventPayload() throws -> Value? {
        guard let eventPath else { return nil }
        guard let data = FileManager.default.contents(atPath: eventPath) else {
            throw ExecError("event file '\(eventPath)' cannot be read")
        }
        do {
            let value = try Value(jsonText: String(decoding: data, as: UTF8.self))
            guard case .object = value else { throw ExecError("event file '\(eventPath)' must hold a JSON object") }
            return value
        } catch let error as ExecError {
            throw error
        } catch {
            throw ExecError("event file '\(eventPath)' is not valid JSON: \(error)")
        }
    }

    private var actionCacheDirectory: String { actionCache ?? "\(NSHomeDirectory())/.cache/hearth/actions" }

    /// Fetched actions are read by the job container too: the cache is mounted read-only.
    static func actionCacheMount(_ directory: String) throws -> PodmanEnvironmentOptions.Mount {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExecError("cannot create the action cache \(directory): \(error)")
        }
        return PodmanEnvironmentOptions.Mount(hostPath: directory, containerPath: PodmanEnvironmentOptions.actionCachePath, readOnly: true)
    }

    /// One fetcher per run: a moving ref is resolved once, whatever the number of jobs using it.
    private func makeFetcher() -> ActionFetcher {
        let host = URL(string: defaultActionsURL)?.host
        return ActionFetcher(
            cacheDirectory: actionCacheDirectory, token: actionToken,
            tokenHosts: host.map { [$0] } ?? [], offline: offline)
    }
}

/// A problem with the command line or its inputs, shown as one line.
struct ExecError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
