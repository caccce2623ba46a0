import ArgumentParser
import Backends
import Engine
import Expressions
import Forgejo
import Foundation
import Kube
import KubePod
import KubeRunner
import Workflow

/// `hearth kube`: Kubernetes helpers.
struct KubeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube", abstract: "Kubernetes executor tools.", subcommands: [KubeRenderCommand.self])
}

/// `hearth kube render`: the exact objects the controller would create for a workflow job, as
/// YAML, for review (secret values redacted).
struct KubeRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the Pod and Secret Hearth would create for a workflow job, as YAML.",
        discussion: "Evaluates the job's container and services as the engine does (matrix, inputs, vars) and renders them with the kubernetes: settings and label templates of config.yml (-c). Secret values are shown as <redacted>; ${{ secrets.* }} evaluate to empty strings here.")

    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository.")
    var directory = "."

    @Option(name: [.customShort("W"), .customLong("workflows")], help: "A workflow file, or a directory of them.")
    var workflows = ".forgejo/workflows"

    @Option(name: [.customShort("j"), .customLong("job")], help: "The job to render (default: every job).")
    var job: String?

    @Option(name: [.customShort("E"), .customLong("event")], help: "The event (default: push, or the workflow's first).")
    var event: String?

    @Option(name: [.customShort("c"), .customLong("config")], help: "config.yml with runner.labels and a kubernetes: section.")
    var config: String?

    @Option(name: .customLong("label"), help: "The runner label the job lands on (default: the first of its runs-on).")
    var label: String?

    @Option(name: .customLong("var"), help: "A configuration variable, NAME=VALUE. Repeatable.")
    var variables: [String] = []

    @Option(name: .customLong("input"), help: "A workflow_dispatch input, NAME=VALUE. Repeatable.")
    var inputs: [String] = []

    @Option(name: .customLong("task-id"), help: "The task id shown in names and labels.")
    var taskID: Int64 = 1

    func run() async throws {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let (runnerConfig, _) = try loadConfig(config)
        let settings: KubernetesSettings
        do {
            settings = try runnerConfig.kubernetesYAML.map { try KubernetesSettings.parse(try YAMLNodeJSON.value(yaml: $0), file: config ?? "config.yml") }
                ?? KubernetesSettings()
        } catch {
            printError("hearth kube render: \(error)")
            throw ExitCode(1)
        }
        let repository = LocalRepository.inspect(root)
        let files: [String]
        do { files = try WorkflowDiscovery.files(at: workflows, in: root) } catch {
            printError("hearth kube render: \(error)")
            throw ExitCode(1)
        }
        var documents: [JSONValue] = []
        var failed = false
        for file in files {
            let workflow: Workflow
            do { workflow = try WorkflowReader.read(path: file) } catch {
                printError(error.errors.map(\.description).joined(separator: "\n"))
                failed = true
                continue
            }
            let jobs = workflow.jobs.filter { job == nil || $0.id == job }
            if jobs.isEmpty { continue }
            let names = workflow.triggers.events.map(\.name)
            let chosenEvent = event ?? (names.contains("push") || names.isEmpty ? "push" : names[0])
            let run: RunContext
            do {
                run = try LocalRunContext.make(
                    workflow: workflow, event: chosenEvent, payload: nil, repository: repository, secrets: [:], environment: [:],
                    variables: try KeyValueInput.pairs(variables, option: "var"), inputs: try KeyValueInput.pairs(inputs, option: "input"),
                    fetcher: ActionFetcher(cacheDirectory: NSTemporaryDirectory(), token: nil, tokenHosts: [], offline: true),
                    skipCheckout: true, defaultActionsURL: "https://data.forgejo.org")
            } catch {
                printError("hearth kube render: \(error)")
                failed = true
                continue
            }
            for job in jobs {
                // The jobs it needs are taken as succeeded (their outputs empty).
                let needs = job.needs.map { JobSummary(jobID: $0, result: .success, outputs: [:], instances: []) }
                let planned = await JobPlanner.plan(workflow: workflow, run: run, selectedJobs: [job.id], completedJobs: needs)
                if planned.isEmpty {
                    printError("hearth kube render: \(workflow.file): job '\(job.id)' needs no pod (its if: is false, or it calls a reusable workflow)")
                    continue
                }
                let runsOn = job.runsOn?.labels ?? []
                let runnerLabels = runnerConfig.runner.labels
                let picked = label.flatMap { name in runnerLabels.first { $0.name == name } }
                    ?? RunnerLabel.pick(for: runsOn, from: runnerLabels)
                let labelName = label ?? picked?.name ?? runsOn.first ?? "default"
                var labelImage: String?
                if case .docker(let image)? = picked?.scheme { labelImage = image }
                for (key, request) in planned {
                    let timeout = Int(runnerConfig.runner.timeout.components.seconds)
                    let podRequest = PodRequest(
                        podName: PodRenderer.podName(taskID: taskID, jobName: key.jobID), namespace: settings.namespace ?? "default",
                        taskID: taskID, runnerID: "00000000-0000-0000-0000-000000000000", jobDisplayName: key.displayName, environment: request,
                        labelImage: labelImage, template: settings.template(forLabel: labelName),
                        agentImage: settings.agentImage ?? "hearth:\(HearthVersion.current)",
                        controllerURL: settings.controllerURL ?? "http://hearth.hearth.svc:8090", activeDeadlineSeconds: timeout + 180,
                        terminationGracePeriodSeconds: 60, deadline: Date().addingTimeInterval(Double(timeout + 180)))
                    do {
                        let rendered = try PodRenderer.render(podRequest, agentToken: "<redacted>")
                        for warning in rendered.warnings { printError("warning: \(key.displayName): \(warning)") }
                        documents += rendered.objects(redacted: true)
                    } catch {
                        printError("hearth kube render: \(workflow.file): \(key.displayName): \(error)")
                        failed = true
                    }
                }
            }
        }
        if documents.isEmpty && !failed {
            printError("hearth kube render: no job\(job.map { " '\($0)'" } ?? "") found in \(workflows)")
            throw ExitCode(1)
        }
        print(KubeYAML.render(documents), terminator: "")
        if failed { throw ExitCode(1) }
    }
}
