import Foundation
import SwiftProtobuf

/// Builds the `context` of a Task (§3.5.2): the `github`-like map Forgejo sends, with the event
/// payload as an object, the task token and the actions URLs.
enum TaskContext {
    struct Input {
        var configuration: ForgejoDouble.Configuration
        /// `ROOT_URL` without trailing slash.
        var serverURL: String
        var run: RunRecord
        var job: JobRecord
        var task: TaskRecord
    }

    static func build(_ input: Input) -> Google_Protobuf_Struct {
        let configuration = input.configuration
        let run = input.run
        let repository = configuration.repository
        let owner = repository.split(separator: "/").first.map(String.init) ?? repository
        let root = input.serverURL + "/"
        let refName: String
        let refType: String
        if run.ref.hasPrefix("refs/heads/") {
            refName = String(run.ref.dropFirst("refs/heads/".count))
            refType = "branch"
        } else if run.ref.hasPrefix("refs/tags/") {
            refName = String(run.ref.dropFirst("refs/tags/".count))
            refType = "tag"
        } else {
            refName = run.ref
            refType = ""
        }
        let workflowName = (run.workflowFile as NSString).lastPathComponent

        var fields: [String: Google_Protobuf_Value] = [:]
        func set(_ key: String, _ value: String) { fields[key] = Google_Protobuf_Value(stringValue: value) }

        fields["event"] = Google_Protobuf_Value(structValue: run.eventPayload)
        set("event_name", run.event)
        for key in ["event_path", "workspace", "action", "action_path", "action_ref", "action_repository",
                    "action_status", "env", "path", "graphql_url", "runner_perflog", "runner_tracking_id",
                    "retention_days", "head_ref", "base_ref"] {
            set(key, "")
        }
        set("job", input.job.jobKey)
        set("run_id", String(run.id))
        set("run_number", String(run.number))
        set("run_attempt", String(input.task.attempt))
        set("actor", configuration.actor)
        set("actor_id", "1")
        set("triggering_actor", configuration.actor)
        set("repository", repository)
        set("repository_id", "1")
        set("repository_owner", owner)
        set("repository_owner_id", "1")
        set("repositoryUrl", root + repository)
        set("ref", run.ref)
        set("ref_name", refName)
        set("ref_type", refType)
        set("sha", run.sha)
        fields["ref_protected"] = Google_Protobuf_Value(boolValue: false)
        set("secret_source", "Actions")
        set("server_url", root)
        set("api_url", root + "api/v1")
        set("workflow", workflowName)
        set("workflow_ref", "\(repository)/\(run.workflowFile)@\(run.ref)")
        set("token", input.task.token)
        set("gitea_default_actions_url", configuration.effectiveDefaultActionsURL)
        set("gitea_runtime_token", input.task.runtimeToken)
        if !configuration.giteaMode {
            set("forgejo_default_actions_url", configuration.effectiveDefaultActionsURL)
            set("forgejo_runtime_token", input.task.runtimeToken)
            set("forgejo_server_version", configuration.serverVersion)
        }
        for (key, value) in run.contextOverrides { set(key, value) }
        return Google_Protobuf_Struct(fields: fields)
    }
}
