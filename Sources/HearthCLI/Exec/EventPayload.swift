import Expressions

/// The `github.event` payload `hearth exec` makes up when no `--event-path` is given: the fields
/// common workflows read (`ref`, `after`, `repository`, `head_commit`), filled from git.
enum EventPayload {
    static func synthesize(event: String, repository: LocalRepository) -> ObjectValue {
        let name = String(repository.repository.split(separator: "/").last ?? "")
        let repositoryObject: Value = .object(ObjectValue([
            ("full_name", .string(repository.repository)), ("name", .string(name)),
            ("owner", .object(ObjectValue([("login", .string(repository.owner))]))),
            ("default_branch", .string(repository.refType == "branch" ? repository.refName : "main")),
        ]))
        var payload = ObjectValue()
        payload["repository"] = repositoryObject
        payload["sender"] = .object(ObjectValue([("login", .string(repository.actor))]))
        if event == "push" {
            payload["ref"] = .string(repository.ref)
            payload["before"] = .string(String(repeating: "0", count: 40))
            payload["after"] = .string(repository.sha)
            payload["head_commit"] = .object(ObjectValue([("id", .string(repository.sha))]))
        }
        return payload
    }
}
