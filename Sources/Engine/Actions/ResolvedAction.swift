import Expressions
import Workflow

/// An action ready to run: its metadata and where its files are.
struct ResolvedAction: Sendable {
    /// The `uses:` text.
    var uses: String
    var manifest: ActionManifest
    /// The action's directory as steps see it (`GITHUB_ACTION_PATH`).
    var directory: String
    /// The same directory as Hearth opens it (differs from `directory` in containers).
    var hostDirectory: String
    /// `owner/repo` for remote actions, empty for local ones (`github.action_repository`).
    var repository: String
    /// The ref as written (`github.action_ref`).
    var ref: String
    /// Identifies the action's code (repository, commit and path, or the local path) for cycle checks.
    var identity: String
}

extension ResolvedAction {
    /// The `github` context while this action's stage runs: `action`, `action_path`,
    /// `action_repository` and `action_ref` set.
    func githubContext(_ github: ObjectValue, stepID: String) -> ObjectValue {
        var github = github
        github["action"] = .string(stepID)
        github["action_path"] = .string(directory)
        github["action_repository"] = .string(repository)
        github["action_ref"] = .string(ref)
        return github
    }
}
