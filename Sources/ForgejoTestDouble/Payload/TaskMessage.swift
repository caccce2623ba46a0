import ForgejoProtocol
import Foundation

/// Builds the `Task` message a runner receives (§3.5).
extension DoubleState {
    func taskMessage(_ taskID: Int64) -> Runner_V1_Task {
        var message = Runner_V1_Task()
        guard let task = tasks[taskID], let job = jobs[task.jobID], let run = runs[job.runID] else { return message }
        message.id = task.id
        message.workflowPayload = Data(job.payload.utf8)
        message.context = TaskContext.build(.init(configuration: configuration, serverURL: serverURL, run: run,
                                                  job: job, task: task))
        var secrets: [String: String] = [:]
        for (name, value) in run.secrets { secrets[name.uppercased()] = value }
        secrets["GITHUB_TOKEN"] = task.token
        secrets["GITEA_TOKEN"] = task.token
        if !configuration.giteaMode { secrets["FORGEJO_TOKEN"] = task.token }
        message.secrets = secrets
        var vars: [String: String] = [:]
        for (name, value) in run.vars { vars[name.uppercased()] = value }
        message.vars = vars
        var needs: [String: Runner_V1_TaskNeed] = [:]
        for key in job.needs {
            let related = jobs.values.filter { $0.runID == job.runID && $0.jobKey.lowercased() == key.lowercased() }
                .sorted { $0.id < $1.id }
            var need = Runner_V1_TaskNeed()
            need.result = Self.aggregate(related.map(\.status)).result
            var outputs: [String: String] = [:]
            for dependency in related {
                guard let dependencyTask = dependency.taskID.flatMap({ tasks[$0] }) else { continue }
                for key in dependencyTask.outputKeys {
                    let value = dependencyTask.outputs[key] ?? ""
                    if outputs[key].map({ $0.isEmpty }) ?? true { outputs[key] = value }
                }
            }
            need.outputs = outputs
            needs[key] = need
        }
        message.needs = needs
        return message
    }

    /// The status of a group of jobs (a matrix): any failure → failure, else any cancelled →
    /// cancelled, else all skipped → skipped, else success (unfinished → running).
    static func aggregate(_ statuses: [ActionStatus]) -> ActionStatus {
        if statuses.isEmpty { return .skipped }
        if statuses.contains(where: { !$0.isDone }) { return .running }
        if statuses.contains(.failure) { return .failure }
        if statuses.contains(.cancelled) { return .cancelled }
        if statuses.allSatisfy({ $0 == .skipped }) { return .skipped }
        return .success
    }
}
