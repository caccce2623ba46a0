import Expressions

/// Assembles the environment variables of a step's process.
///
/// Precedence, lowest first: the environment's own variables, the runner's `GITHUB_*`,
/// `FORGEJO_*` and `RUNNER_*` variables, workflow and job `env` plus the runner's configured
/// variables and everything `GITHUB_ENV` added (together: `JobState.environment`), the step's
/// `env`, and finally the per-step file-command paths. `GITHUB_PATH` entries go in front of `PATH`.
public enum StepEnvironment {
    /// github-context keys exported as `GITHUB_<KEY>` and `FORGEJO_<KEY>`.
    static let exportedGitHubKeys = [
        "workflow", "run_id", "run_number", "run_attempt", "action", "action_path", "action_repository", "action_ref",
        "actor", "triggering_actor", "repository", "repository_owner", "event_name", "event_path", "workspace", "sha",
        "ref", "ref_name", "ref_type", "ref_protected", "token", "job", "retention_days", "base_ref", "head_ref",
        "server_url", "api_url", "graphql_url", "workflow_ref", "workflow_sha", "repository_id", "repository_owner_id",
    ]

    public static func build(
        base: [String: String], github: ObjectValue, runner: ObjectValue,
        step: [String: String], pathPrepends: [String], fileCommands: [String: String]
    ) -> [String: String] {
        var environment = base
        environment["CI"] = "true"
        environment["ACT"] = "true"
        environment["GITHUB_ACTIONS"] = "true"
        environment["FORGEJO_ACTIONS"] = "true"
        environment["GITEA_ACTIONS"] = "true"
        for key in exportedGitHubKeys {
            guard let value = github[key] else { continue }
            let text = value.coercedString
            environment["GITHUB_\(key.uppercased())"] = text
            environment["FORGEJO_\(key.uppercased())"] = text
        }
        for (key, value) in runner.entries {
            environment["RUNNER_\(key.uppercased())"] = value.coercedString
        }
        environment.removeValue(forKey: "RUNNER_DEBUG")
        if runner["debug"]?.coercedString == "1" { environment["RUNNER_DEBUG"] = "1" }
        environment["LANG"] = environment["LANG"] ?? "C.UTF-8"
        for (key, value) in step { environment[key] = value }
        if !pathPrepends.isEmpty {
            let current = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            environment["PATH"] = (pathPrepends + [current]).joined(separator: ":")
        }
        for (key, value) in fileCommands {
            environment[key] = value
            environment["FORGEJO_" + key.dropFirst("GITHUB_".count)] = value
        }
        return environment
    }
}
