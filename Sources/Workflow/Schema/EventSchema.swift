import Foundation

/// The `on:` part of the workflow schema: the events GitHub knows, their activity types and filters.
enum EventSchema {
    /// An event: its name, the activity types it accepts (nil: no `types`), and its filter keys.
    private struct Event {
        let name: String
        let types: [String]?
        let filters: [String]
        /// False for events that take no configuration at all (`create:` must be empty).
        let configurable: Bool

        init(_ name: String, types: [String]? = nil, filters: [String] = [], configurable: Bool = true) {
            self.name = name
            self.types = types
            self.filters = filters
            self.configurable = configurable
        }

        /// The schema name: `pull_request` → `pull-request`.
        var definitionName: String { name.replacingOccurrences(of: "_", with: "-") }
    }

    private static let created = ["created", "edited", "deleted"]
    private static let pullRequestTypes = [
        "assigned", "unassigned", "labeled", "unlabeled", "opened", "edited", "closed", "reopened", "synchronize",
        "converted_to_draft", "locked", "unlocked", "enqueued", "dequeued", "milestoned", "demilestoned",
        "ready_for_review", "review_requested", "review_request_removed", "auto_merge_enabled", "auto_merge_disabled",
        "stacked",
    ]

    private static let events: [Event] = [
        Event("branch_protection_rule", types: created),
        Event("check_run", types: ["completed", "created", "rerequested", "requested_action"]),
        Event("check_suite", types: ["completed"]),
        Event("create", configurable: false),
        Event("delete", configurable: false),
        Event("deployment", configurable: false),
        Event("deployment_status", configurable: false),
        Event("discussion", types: ["created", "edited", "deleted", "transferred", "pinned", "unpinned", "labeled",
                                    "unlabeled", "locked", "unlocked", "category_changed", "answered", "unanswered"]),
        Event("discussion_comment", types: created),
        Event("fork", configurable: false),
        Event("gollum", configurable: false),
        Event("image_version", types: ["created", "ready", "deleted"], filters: ["names", "versions"]),
        Event("issue_comment", types: created),
        Event("issues", types: ["opened", "edited", "deleted", "transferred", "pinned", "unpinned", "closed", "reopened",
                                "assigned", "unassigned", "labeled", "unlabeled", "locked", "unlocked", "milestoned",
                                "demilestoned", "field_added", "field_removed", "typed", "untyped"]),
        Event("label", types: created),
        Event("merge_group", types: ["checks_requested"], filters: ["branches", "branches-ignore"]),
        Event("milestone", types: ["created", "closed", "opened", "edited", "deleted"]),
        Event("page_build", configurable: false),
        Event("project", types: ["created", "closed", "reopened", "edited", "deleted"]),
        Event("project_card", types: ["created", "moved", "converted", "edited", "deleted"]),
        Event("project_column", types: ["created", "updated", "moved", "deleted"]),
        Event("public", configurable: false),
        Event("pull_request", types: pullRequestTypes, filters: ["branches", "branches-ignore", "paths", "paths-ignore"]),
        Event("pull_request_comment", types: created),
        Event("pull_request_review", types: ["submitted", "edited", "dismissed"]),
        Event("pull_request_review_comment", types: created),
        Event("pull_request_target", types: pullRequestTypes,
              filters: ["branches", "branches-ignore", "paths", "paths-ignore"]),
        Event("push", filters: ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]),
        Event("registry_package", types: ["published", "updated"]),
        Event("release", types: ["published", "unpublished", "created", "edited", "deleted", "prereleased", "released"]),
        Event("status", configurable: false),
        Event("watch", types: ["started"]),
        Event("workflow_run", types: ["requested", "completed", "in_progress"],
              filters: ["workflows", "branches", "branches-ignore"]),
    ]

    /// Events defined elsewhere in the table (special shapes).
    private static let special = ["repository_dispatch", "schedule", "workflow_call", "workflow_dispatch"]

    /// All event names GitHub accepts under `on:`.
    static var names: [String] { (events.map(\.name) + special).sorted() }

    static func add(to s: inout SchemaBuilder) {
        var mappingProperties: [SchemaProperty] = []
        var stringMembers: [String] = []
        for event in events {
            let base = event.definitionName
            s.string("\(base)-string", constant: event.name)
            stringMembers.append("\(base)-string")
            mappingProperties.append(prop(event.name, base))
            guard event.configurable else {
                s.add(base, .null)
                continue
            }
            s.oneOf(base, ["null", "\(base)-mapping"])
            var properties: [SchemaProperty] = []
            if let types = event.types {
                properties.append(prop("types", "\(base)-activity"))
                s.oneOf("\(base)-activity", ["\(base)-activity-type", "\(base)-activity-types"])
                s.sequence("\(base)-activity-types", of: "\(base)-activity-type")
                s.allowedValues("\(base)-activity-type", types)
            }
            for filter in event.filters {
                properties.append(prop(filter, filter == "workflows" ? "workflow-run-workflows" : "event-\(filter)"))
            }
            s.mapping("\(base)-mapping", properties)
        }
        for filter in ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore", "names", "versions"] {
            s.oneOf("event-\(filter)", ["non-empty-string", "sequence-of-non-empty-string"])
        }
        s.oneOf("workflow-run-workflows", ["non-empty-string", "sequence-of-non-empty-string"])

        s.string("repository-dispatch-string", constant: "repository_dispatch")
        s.oneOf("repository-dispatch", ["null", "repository-dispatch-mapping"])
        s.mapping("repository-dispatch-mapping", [prop("types", "sequence-of-non-empty-string")])
        s.string("schedule-string", constant: "schedule")
        s.sequence("schedule", of: "cron-mapping")
        s.string("workflow-call-string", constant: "workflow_call")
        s.string("workflow-dispatch-string", constant: "workflow_dispatch")
        for name in special {
            let base = name.replacingOccurrences(of: "_", with: "-")
            stringMembers.append("\(base)-string")
            mappingProperties.append(prop(name, base))
        }

        s.oneOf("on-strict", ["on-string-strict", "on-sequence-strict", "on-mapping-strict"])
        s.mapping("on-mapping-strict", mappingProperties)
        s.oneOf("on-string-strict", stringMembers)
        s.sequence("on-sequence-strict", of: "on-string-strict")
    }
}
