import Expressions

/// The events a workflow runs on (`on:`), in file order.
public struct Triggers: Sendable {
    public var events: [EventTrigger]

    public init(events: [EventTrigger] = []) {
        self.events = events
    }

    /// The event names in file order.
    public var names: [String] { events.map(\.name) }

    /// The trigger for `name`, if the workflow has it.
    public func event(_ name: String) -> EventTrigger? {
        events.first { $0.name == name }
    }

    public func contains(_ name: String) -> Bool { event(name) != nil }

    /// `on.workflow_dispatch.inputs`, in file order.
    public var workflowDispatchInputs: [InputDefinition] {
        event("workflow_dispatch")?.inputs ?? []
    }

    /// `on.workflow_call.inputs`, in file order.
    public var workflowCallInputs: [InputDefinition] {
        event("workflow_call")?.inputs ?? []
    }

    /// `on.workflow_call.outputs`, in file order.
    public var workflowCallOutputs: [WorkflowCallOutput] {
        event("workflow_call")?.outputs ?? []
    }

    /// `on.workflow_call.secrets`, in file order.
    public var workflowCallSecrets: [WorkflowCallSecret] {
        event("workflow_call")?.secrets ?? []
    }

    /// The cron lines of `on.schedule`.
    public var schedules: [String] {
        guard let config = event("schedule")?.config.arrayValue else { return [] }
        return config.compactMap { $0["cron"]?.stringValue }
    }
}

/// One event of `on:` with its configuration.
public struct EventTrigger: Sendable {
    /// The event name (`push`, `pull_request`, `workflow_dispatch`, ...).
    public var name: String
    /// The raw configuration: `.null` when none was given, an object for mappings (`branches`,
    /// `paths`, `types`, `inputs`, ...) or an array for `schedule`. Strings are kept as written.
    public var config: Value
    public var location: SourceLocation
    /// Parsed `inputs` (workflow_dispatch and workflow_call).
    public var inputs: [InputDefinition]
    /// Parsed `outputs` (workflow_call).
    public var outputs: [WorkflowCallOutput]
    /// Parsed `secrets` (workflow_call).
    public var secrets: [WorkflowCallSecret]

    public init(name: String, config: Value = .null, location: SourceLocation,
                inputs: [InputDefinition] = [], outputs: [WorkflowCallOutput] = [], secrets: [WorkflowCallSecret] = []) {
        self.name = name
        self.config = config
        self.location = location
        self.inputs = inputs
        self.outputs = outputs
        self.secrets = secrets
    }

    /// A filter list (`branches`, `branches-ignore`, `tags`, `paths`, `types`, ...); a single
    /// string is returned as a one-element list. Nil when the filter is absent.
    public func filter(_ key: String) -> [String]? {
        guard let value = config[key] else { return nil }
        switch value {
        case .string(let string): return [string]
        case .array(let items): return items.compactMap(\.stringValue)
        default: return nil
        }
    }

    public var branches: [String]? { filter("branches") }
    public var branchesIgnore: [String]? { filter("branches-ignore") }
    public var tags: [String]? { filter("tags") }
    public var tagsIgnore: [String]? { filter("tags-ignore") }
    public var paths: [String]? { filter("paths") }
    public var pathsIgnore: [String]? { filter("paths-ignore") }
    public var types: [String]? { filter("types") }
}

/// The type of a `workflow_dispatch` / `workflow_call` input.
public enum InputType: String, Sendable, Hashable, CaseIterable {
    case string, boolean, number, choice, environment
}

/// An input of `workflow_dispatch` or `workflow_call`.
public struct InputDefinition: Sendable {
    public var name: String
    public var description: String?
    public var required: Bool
    /// The default as written (`.string` for strings and expressions, `.bool`, `.number`).
    public var `default`: Value?
    /// `string` when not given.
    public var type: InputType
    /// `options:` of a `choice` input.
    public var options: [String]
    public var location: SourceLocation

    public init(name: String, description: String? = nil, required: Bool = false, default: Value? = nil,
                type: InputType = .string, options: [String] = [], location: SourceLocation) {
        self.name = name
        self.description = description
        self.required = required
        self.default = `default`
        self.type = type
        self.options = options
        self.location = location
    }
}

/// An output of `on.workflow_call.outputs`.
public struct WorkflowCallOutput: Sendable {
    public var name: String
    public var description: String?
    /// The `value:` template (usually `${{ jobs.<id>.outputs.<name> }}`).
    public var value: String
    public var location: SourceLocation

    public init(name: String, description: String? = nil, value: String, location: SourceLocation) {
        self.name = name
        self.description = description
        self.value = value
        self.location = location
    }
}

/// A secret of `on.workflow_call.secrets`.
public struct WorkflowCallSecret: Sendable {
    public var name: String
    public var description: String?
    public var required: Bool
    public var location: SourceLocation

    public init(name: String, description: String? = nil, required: Bool = false, location: SourceLocation) {
        self.name = name
        self.description = description
        self.required = required
        self.location = location
    }
}
