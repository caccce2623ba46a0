import ArgumentParser
import Foundation
import KubePod
import KubeRunner
import Logging

/// `hearth agent`: the part of Hearth inside a job pod (see docs/kubernetes.md). Started by the
/// pod spec the controller renders; not for use by hand.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a Kubernetes job pod's steps (started by the controller's pod spec).",
        discussion: "Fetches the task from the controller (dialling out), runs its steps in the job container through the step shim on the shared volume, and uploads the log until the controller has reported the job. Settings come from the options or from HEARTH_CONTROLLER_URL, HEARTH_TASK_ID, HEARTH_TOKEN_FILE and HEARTH_WORK_DIR.")

    @Option(name: .customLong("controller"), help: "The controller's channel URL (HEARTH_CONTROLLER_URL).")
    var controller: String?

    @Option(name: .customLong("task"), help: "The Forgejo task id (HEARTH_TASK_ID).")
    var task: Int64?

    @Option(name: .customLong("token-file"), help: "The file holding the pod's channel token (HEARTH_TOKEN_FILE).")
    var tokenFile: String?

    @Option(name: .customLong("work"), help: "The shared volume's mount (HEARTH_WORK_DIR, default /__w).")
    var work: String?

    @Option(name: .customLong("node"), help: "The node to inject into job images without one (HEARTH_AGENT_NODE, default: node in PATH).")
    var node: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "hearth.agent")
        let environment = ProcessInfo.processInfo.environment
        guard let url = controller ?? environment[PodLayout.controllerURLVariable],
            let taskID = task ?? environment[PodLayout.taskIDVariable].flatMap({ Int64($0) }),
            let tokenPath = tokenFile ?? environment[PodLayout.tokenFileVariable]
        else {
            logger.critical("hearth agent needs --controller, --task and --token-file (or \(PodLayout.controllerURLVariable), \(PodLayout.taskIDVariable), \(PodLayout.tokenFileVariable))")
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: tokenPath) else {
            logger.critical("cannot read the token file \(tokenPath)")
            throw ExitCode(1)
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let root = work ?? environment[PodLayout.workDirectoryVariable] ?? StepShim.workMount
        let options = StepAgent.Options(controllerURL: url, taskID: taskID, token: token, root: root,
                                        node: node ?? environment["HEARTH_AGENT_NODE"])
        let agent = StepAgent(options: options, logger: logger)
        do {
            try await agent.run()
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
    }
}
