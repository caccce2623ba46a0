import Foundation
import SwiftProtobuf

/// The webhook payload put in the context's `event` when the caller gives none: a small but
/// plausible Forgejo push payload (or, for other events, just `repository` and `sender`).
enum EventPayload {
    static func makeDefault(event: String, ref: String, sha: String, repository: String, actor: String,
                            serverURL: String) -> Google_Protobuf_Struct {
        let owner = repository.split(separator: "/").first.map(String.init) ?? repository
        let name = repository.split(separator: "/").dropFirst().first.map(String.init) ?? repository
        let user: Google_Protobuf_Value = .init(structValue: Google_Protobuf_Struct(fields: [
            "id": .init(numberValue: 1), "login": .init(stringValue: actor), "username": .init(stringValue: actor),
        ]))
        let repositoryValue: Google_Protobuf_Value = .init(structValue: Google_Protobuf_Struct(fields: [
            "id": .init(numberValue: 1),
            "name": .init(stringValue: name),
            "full_name": .init(stringValue: repository),
            "owner": .init(structValue: Google_Protobuf_Struct(fields: [
                "id": .init(numberValue: 1), "login": .init(stringValue: owner), "username": .init(stringValue: owner),
            ])),
            "html_url": .init(stringValue: "\(serverURL)/\(repository)"),
            "clone_url": .init(stringValue: "\(serverURL)/\(repository).git"),
            "default_branch": .init(stringValue: "main"),
            "private": .init(boolValue: false),
        ]))
        var fields: [String: Google_Protobuf_Value] = ["repository": repositoryValue, "sender": user]
        if event == "push" {
            fields["ref"] = .init(stringValue: ref)
            fields["before"] = .init(stringValue: String(repeating: "0", count: 40))
            fields["after"] = .init(stringValue: sha)
            fields["pusher"] = user
            fields["head_commit"] = .init(structValue: Google_Protobuf_Struct(fields: [
                "id": .init(stringValue: sha),
                "message": .init(stringValue: "Commit queued by the Forgejo test double\n"),
                "url": .init(stringValue: "\(serverURL)/\(repository)/commit/\(sha)"),
            ]))
            fields["commits"] = .init(listValue: Google_Protobuf_ListValue(values: [fields["head_commit"]!]))
        }
        return Google_Protobuf_Struct(fields: fields)
    }

    /// Parses a JSON object given by the caller.
    static func parse(json: String) throws(DoubleError) -> Google_Protobuf_Struct {
        do {
            return try Google_Protobuf_Struct(jsonString: json)
        } catch {
            throw DoubleError(.invalidWorkflow, "the event payload is not a JSON object: \(error)")
        }
    }
}
