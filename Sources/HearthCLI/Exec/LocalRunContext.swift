import Engine
import Expressions
import Foundation
import Workflow

/// The run's inputs for a workflow run from a local repository (`exec`, `kube render`): the
/// `github` context as act and forgejo-runner exec fill it.
enum LocalRunContext {
    static func make(
        workflow: Workflow, event: String, payload: Value?, repository: LocalRepository, secrets: [String: String],
        environment: [String: String], variables: [String: String], inputs: [String: String], fetcher: ActionFetcher,
        skipCheckout: Bool, defaultActionsURL: String, serverURL givenServerURL: String? = nil
    ) throws -> RunContext {
        let typedInputs = try WorkflowInputs.resolve(workflow: workflow, event: event, given: inputs)
        var eventObject = payload?.objectValue ?? EventPayload.synthesize(event: event, repository: repository)
        if event == "workflow_dispatch", eventObject["inputs"] == nil {
            eventObject["inputs"] = .object(ObjectValue(typedInputs.entries.map { ($0.key, Value.string($0.value.coercedString)) }))
        }
        // The instance: given, else where the origin remote points, else a placeholder.
        let serverURL = (givenServerURL ?? repository.serverURL ?? "https://localhost").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let relativeFile = workflow.file.hasPrefix(repository.root + "/") ? String(workflow.file.dropFirst(repository.root.count + 1)) : workflow.file
        var github = ObjectValue()
        github["event_name"] = .string(event)
        github["event"] = .object(eventObject)
        github["sha"] = .string(repository.sha)
        github["ref"] = .string(repository.ref)
        github["ref_name"] = .string(repository.refName)
        github["ref_type"] = .string(repository.refType)
        github["ref_protected"] = .bool(false)
        github["repository"] = .string(repository.repository)
        github["repository_owner"] = .string(repository.owner)
        github["actor"] = .string(repository.actor)
        github["triggering_actor"] = .string(repository.actor)
        github["workflow"] = .string(workflow.name ?? relativeFile)
        github["workflow_ref"] = .string("\(repository.repository)/\(relativeFile)@\(repository.ref)")
        github["workflow_sha"] = .string(repository.sha)
        github["run_id"] = .string(String(Int.random(in: 1...999_999)))
        github["run_number"] = .string("1")
        github["run_attempt"] = .string("1")
        github["retention_days"] = .string("0")
        github["server_url"] = .string(serverURL)
        github["api_url"] = .string("\(serverURL)/api/v1")
        github["graphql_url"] = .string("")
        github["token"] = .string(secrets["GITHUB_TOKEN"] ?? "")
        github["base_ref"] = .string(eventObject["pull_request"]?["base"]?["ref"]?.stringValue ?? "")
        github["head_ref"] = .string(eventObject["pull_request"]?["head"]?["ref"]?.stringValue ?? "")
        github["workspace"] = .string(repository.root)
        github["action"] = .string("")
        github["action_path"] = .string("")
        github["action_ref"] = .string("")
        github["action_repository"] = .string("")
        github["path"] = .string("")
        github["env"] = .string("")
        github["repositoryUrl"] = .string("\(serverURL)/\(repository.repository).git")

        var context = RunContext(
            github: github, secrets: secrets, vars: variables, inputs: typedInputs, runnerEnvironment: environment,
            runnerName: "hearth-exec", serverURL: serverURL, skippedActions: skipCheckout ? ["actions/checkout"] : [],
            repositoryRoot: repository.root)
        context.runnerEnvironment["GITHUB_SERVER_URL"] = context.runnerEnvironment["GITHUB_SERVER_URL"] ?? serverURL
        context.defaultActionsURL = defaultActionsURL.hasSuffix("/") ? String(defaultActionsURL.dropLast()) : defaultActionsURL
        context.actionFetcher = fetcher
        return context
    }
}
