import Foundation
import SwiftProtobuf

/// One workflow run created by `queue`.
struct RunRecord: Sendable {
    let id: Int64
    /// Per-repository run index.
    let number: Int64
    let event: String
    let ref: String
    let sha: String
    /// The workflow file path (e.g. `.forgejo/workflows/test.yml`).
    let workflowFile: String
    /// The webhook payload sent as the context's `event`.
    let eventPayload: Google_Protobuf_Struct
    /// Extra/overriding string keys of the context.
    let contextOverrides: [String: String]
    let secrets: [String: String]
    let vars: [String: String]
    let created: Date
}
