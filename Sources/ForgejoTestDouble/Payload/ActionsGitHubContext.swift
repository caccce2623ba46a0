import Expressions
import Foundation

/// The `github` context available to queue-time expressions (`runs-on`, `name`, matrix).
enum ActionsGitHubContext {
    static func make(configuration: ForgejoDouble.Configuration, serverURL: String, event: String, ref: String,
                     sha: String, file: String) -> ObjectValue {
        let repository = configuration.repository
        let owner = repository.split(separator: "/").first.map(String.init) ?? repository
        var refName = ref
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { refName = String(ref.dropFirst(prefix.count)) }
        var github = ObjectValue()
        github["event_name"] = .string(event)
        github["ref"] = .string(ref)
        github["ref_name"] = .string(refName)
        github["sha"] = .string(sha)
        github["repository"] = .string(repository)
        github["repository_owner"] = .string(owner)
        github["actor"] = .string(configuration.actor)
        github["server_url"] = .string(serverURL)
        github["workflow"] = .string((file as NSString).lastPathComponent)
        return github
    }
}
