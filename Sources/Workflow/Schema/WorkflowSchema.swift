/// GitHub's workflow schema (workflow-v1.0, strict root), written down as a Swift table.
///
/// Each definition says what a node may be and which expression contexts and functions are allowed
/// in it; contexts accumulate from parent to child, as in GitHub's template reader.
final class WorkflowSchema: Sendable {
    static let shared = WorkflowSchema()

    static let root = "workflow-root-strict"

    let definitions: [String: SchemaDefinition]
    private let scalarExpansion: [String: [SchemaDefinition]]

    private convenience init() {
        var builder = SchemaBuilder()
        Self.addRoot(&builder)
        EventSchema.add(to: &builder)
        Self.addWorkflowCallAndDispatch(&builder)
        Self.addShared(&builder)
        Self.addJobs(&builder)
        Self.addSteps(&builder)
        Self.addContainers(&builder)
        self.init(builder: builder)
    }

    /// A schema made of `builder`'s definitions (the action metadata schema uses this).
    init(builder: SchemaBuilder) {
        definitions = builder.definitions

        var expansion: [String: [SchemaDefinition]] = [:]
        for name in definitions.keys {
            expansion[name] = Self.expandScalars(name, in: builder.definitions)
        }
        scalarExpansion = expansion
    }

    func definition(_ name: String) -> SchemaDefinition {
        guard let definition = definitions[name] else {
            preconditionFailure("Schema definition '\(name)' not found")
        }
        return definition
    }

    /// The scalar definitions a definition allows (one-of expanded recursively).
    func scalarDefinitions(of definition: SchemaDefinition) -> [SchemaDefinition] {
        scalarExpansion[definition.name] ?? []
    }

    /// The mapping definitions a definition allows (one-of expanded one level, as GitHub does).
    func mappingDefinitions(of definition: SchemaDefinition) -> [SchemaDefinition] {
        members(of: definition).filter { if case .mapping = $0.kind { return true } else { return false } }
    }

    /// The first sequence definition a definition allows.
    func sequenceDefinition(of definition: SchemaDefinition) -> SchemaDefinition? {
        members(of: definition).first { if case .sequence = $0.kind { return true } else { return false } }
    }

    private func members(of definition: SchemaDefinition) -> [SchemaDefinition] {
        if case .oneOf(let names) = definition.kind {
            return names.map(self.definition)
        }
        return [definition]
    }

    private static func expandScalars(_ name: String, in definitions: [String: SchemaDefinition]) -> [SchemaDefinition] {
        guard let definition = definitions[name] else { return [] }
        switch definition.kind {
        case .null, .boolean, .number, .string: return [definition]
        case .oneOf(let names): return names.flatMap { expandScalars($0, in: definitions) }
        default: return []
        }
    }

    // MARK: - Contexts

    static let workflowContext = ["github", "inputs", "vars"]
    static let needsContext = workflowContext + ["needs"]
    static let strategyContext = needsContext + ["strategy", "matrix"]
    static let runnerContext = strategyContext + ["secrets", "steps", "job", "runner", "env"]
    static let runnerContextNoSecrets = strategyContext + ["steps", "job", "runner", "env"]
    static let stepsContext = runnerContext + ["hashFiles(1,255)"]
    static let jobIfContext = needsContext + ["always(0,0)", "failure(0,MAX)", "cancelled(0,0)", "success(0,MAX)"]
    static let stepIfContext = strategyContext + ["steps", "job", "runner", "env", "always(0,0)", "failure(0,0)",
                                                  "cancelled(0,0)", "success(0,0)", "hashFiles(1,255)"]

    // MARK: - Table

    private static func addRoot(_ s: inout SchemaBuilder) {
        s.mapping("workflow-root-strict", [
            prop("on", "on-strict", required: true),
            prop("name", "workflow-name"),
            prop("description", "workflow-description"),
            prop("run-name", "run-name"),
            prop("defaults", "workflow-defaults"),
            prop("env", "workflow-env"),
            prop("permissions", "permissions"),
            prop("concurrency", "workflow-concurrency"),
            prop("jobs", "jobs", required: true),
        ])
        s.string("workflow-name")
        s.string("workflow-description")
        s.string("run-name", context: workflowContext)
        s.mapping("workflow-defaults", [prop("run", "workflow-defaults-run")])
        s.mapping("workflow-defaults-run", [prop("shell", "shell"), prop("working-directory", "working-directory")])
        s.mapping("workflow-env", context: workflowContext + ["secrets"], looseKey: "non-empty-string", looseValue: "string")
        s.oneOf("workflow-concurrency", context: workflowContext, ["string", "concurrency-mapping"])
        s.mapping("concurrency-mapping", [
            prop("group", "non-empty-string", required: true),
            prop("cancel-in-progress", "boolean"),
            prop("queue", "concurrency-queue"),
        ])
        s.allowedValues("concurrency-queue", ["single", "max"])

        s.oneOf("permissions", ["permissions-mapping", "permission-level-shorthand-read-all", "permission-level-shorthand-write-all"])
        let anyLevel = ["actions", "artifact-metadata", "attestations", "checks", "code-quality", "contents"]
        var permissionProperties = anyLevel.map { prop($0, "permission-level-any") }
        permissionProperties.append(prop("copilot-requests", "permission-level-write-or-no-access"))
        permissionProperties += ["deployments", "discussions", "drives"].map { prop($0, "permission-level-any") }
        permissionProperties.append(prop("id-token", "permission-level-write-or-no-access"))
        permissionProperties.append(prop("issues", "permission-level-any"))
        permissionProperties.append(prop("models", "permission-level-read-or-no-access"))
        permissionProperties += ["packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses"]
            .map { prop($0, "permission-level-any") }
        permissionProperties.append(prop("vulnerability-alerts", "permission-level-read-or-no-access"))
        s.mapping("permissions-mapping", permissionProperties)
        s.oneOf("permission-level-any", ["permission-level-read", "permission-level-write", "permission-level-no-access"])
        s.oneOf("permission-level-read-or-no-access", ["permission-level-read", "permission-level-no-access"])
        s.oneOf("permission-level-write-or-no-access", ["permission-level-write", "permission-level-no-access"])
        s.string("permission-level-read", constant: "read")
        s.string("permission-level-write", constant: "write")
        s.string("permission-level-no-access", constant: "none")
        s.string("permission-level-shorthand-read-all", constant: "read-all")
        s.string("permission-level-shorthand-write-all", constant: "write-all")
    }

    private static func addWorkflowCallAndDispatch(_ s: inout SchemaBuilder) {
        s.oneOf("workflow-call", ["null", "workflow-call-mapping"])
        s.mapping("workflow-call-mapping", [
            prop("inputs", "workflow-call-inputs"),
            prop("secrets", "workflow-call-secrets"),
            prop("outputs", "workflow-call-outputs"),
        ])
        s.mapping("workflow-call-inputs", looseKey: "non-empty-string", looseValue: "workflow-call-input-definition")
        s.mapping("workflow-call-input-definition", [
            prop("description", "string"),
            prop("type", "workflow-call-input-type", required: true),
            prop("required", "boolean"),
            prop("default", "workflow-call-input-default"),
        ])
        s.oneOf("workflow-call-input-type", ["input-type-string", "input-type-boolean", "input-type-number"])
        s.string("input-type-string", constant: "string")
        s.string("input-type-boolean", constant: "boolean")
        s.string("input-type-number", constant: "number")
        s.string("input-type-choice", constant: "choice")
        s.string("input-type-environment", constant: "environment")
        s.oneOf("workflow-call-input-default", context: workflowContext, ["string", "boolean", "number"])
        s.mapping("workflow-call-secrets", looseKey: "workflow-call-secret-name", looseValue: "workflow-call-secret-definition")
        s.string("workflow-call-secret-name", nonEmpty: true)
        s.oneOf("workflow-call-secret-definition", ["null", "workflow-call-secret-mapping-definition"])
        s.mapping("workflow-call-secret-mapping-definition", [prop("description", "string"), prop("required", "boolean")])
        s.mapping("workflow-call-outputs", looseKey: "workflow-call-output-name", looseValue: "workflow-call-output-definition")
        s.string("workflow-call-output-name", nonEmpty: true)
        s.mapping("workflow-call-output-definition", [
            prop("description", "string"),
            prop("value", "workflow-output-context", required: true),
        ])
        s.string("workflow-output-context", context: workflowContext + ["jobs"])

        s.oneOf("workflow-dispatch", ["null", "workflow-dispatch-mapping"])
        s.mapping("workflow-dispatch-mapping", [prop("inputs", "workflow-dispatch-inputs")])
        s.mapping("workflow-dispatch-inputs", looseKey: "workflow-dispatch-input-name", looseValue: "workflow-dispatch-input")
        s.string("workflow-dispatch-input-name", nonEmpty: true)
        s.mapping("workflow-dispatch-input", [
            prop("description", "string"),
            prop("type", "workflow-dispatch-input-type"),
            prop("required", "boolean"),
            prop("default", "workflow-dispatch-input-default"),
            prop("options", "sequence-of-string"),
        ])
        s.oneOf("workflow-dispatch-input-type", ["input-type-string", "input-type-boolean", "input-type-number",
                                                 "input-type-environment", "input-type-choice"])
        s.oneOf("workflow-dispatch-input-default", ["string", "boolean", "number"])
    }

    private static func addShared(_ s: inout SchemaBuilder) {
        s.string("non-empty-string", nonEmpty: true)
        s.sequence("sequence-of-non-empty-string", of: "non-empty-string")
        s.sequence("sequence-of-string", of: "string")
        s.boolean("boolean-needs-context", context: needsContext)
        s.number("number-needs-context", context: needsContext)
        s.string("string-needs-context", context: needsContext)
        s.oneOf("scalar-needs-context", context: strategyContext, ["string", "boolean", "number"])
        s.oneOf("scalar-needs-context-with-secrets", context: needsContext + ["secrets", "strategy", "matrix"],
                ["string", "boolean", "number"])
        s.boolean("boolean-strategy-context", context: strategyContext)
        s.number("number-strategy-context", context: strategyContext)
        s.string("string-strategy-context", context: strategyContext)
        s.boolean("boolean-steps-context", context: stepsContext)
        s.number("number-steps-context", context: stepsContext)
        s.string("string-runner-context", context: runnerContext)
        s.string("string-runner-context-no-secrets", context: runnerContextNoSecrets)
        s.string("string-steps-context", context: stepsContext)
        s.string("shell", nonEmpty: true)
        s.string("working-directory", nonEmpty: true)
    }

    private static func addJobs(_ s: inout SchemaBuilder) {
        s.mapping("jobs", looseKey: "job-id", looseValue: "job")
        s.string("job-id", nonEmpty: true)
        s.oneOf("job", ["job-factory", "workflow-job"])
        s.mapping("job-factory", [
            prop("needs", "needs"),
            prop("if", "job-if"),
            prop("strategy", "strategy"),
            prop("name", "string-strategy-context"),
            prop("runs-on", "runs-on", required: true),
            prop("timeout-minutes", "number-strategy-context"),
            prop("cancel-timeout-minutes", "number-strategy-context"),
            prop("continue-on-error", "boolean-strategy-context"),
            prop("container", "container"),
            prop("services", "services"),
            prop("env", "job-env"),
            prop("environment", "job-environment"),
            prop("permissions", "permissions"),
            prop("concurrency", "job-concurrency"),
            prop("outputs", "job-outputs"),
            prop("defaults", "job-defaults"),
            prop("steps", "steps"),
            prop("snapshot", "snapshot"),
        ])
        s.mapping("workflow-job", [
            prop("name", "string-strategy-context"),
            prop("uses", "non-empty-string", required: true),
            prop("with", "workflow-job-with"),
            prop("secrets", "workflow-job-secrets"),
            prop("needs", "needs"),
            prop("if", "job-if"),
            prop("permissions", "permissions"),
            prop("concurrency", "job-concurrency"),
            prop("strategy", "strategy"),
        ])
        s.mapping("workflow-job-with", looseKey: "non-empty-string", looseValue: "scalar-needs-context")
        s.oneOf("workflow-job-secrets", ["workflow-job-secrets-mapping", "workflow-job-secrets-inherit"])
        s.mapping("workflow-job-secrets-mapping", looseKey: "non-empty-string", looseValue: "scalar-needs-context-with-secrets")
        s.string("workflow-job-secrets-inherit", constant: "inherit")
        s.oneOf("needs", ["sequence-of-non-empty-string", "non-empty-string"])
        s.string("job-if", context: jobIfContext)
        s.mapping("strategy", context: needsContext, [
            prop("fail-fast", "boolean"),
            prop("max-parallel", "number"),
            prop("matrix", "matrix"),
        ])
        s.mapping("matrix", [prop("include", "matrix-filter"), prop("exclude", "matrix-filter")],
                  looseKey: "non-empty-string", looseValue: "sequence")
        s.sequence("matrix-filter", of: "matrix-filter-item")
        s.mapping("matrix-filter-item", looseKey: "non-empty-string", looseValue: "any")
        s.oneOf("snapshot", ["non-empty-string", "snapshot-mapping"])
        s.mapping("snapshot-mapping", [
            prop("image-name", "non-empty-string", required: true),
            prop("if", "snapshot-if"),
            prop("version", "non-empty-string"),
        ])
        s.string("snapshot-if", context: strategyContext)
        s.oneOf("runs-on", context: strategyContext, ["non-empty-string", "sequence-of-non-empty-string", "runs-on-mapping"])
        s.mapping("runs-on-mapping", [prop("group", "non-empty-string"), prop("labels", "runs-on-labels")])
        s.oneOf("runs-on-labels", ["non-empty-string", "sequence-of-non-empty-string"])
        s.mapping("job-env", context: strategyContext + ["secrets"], looseKey: "non-empty-string", looseValue: "string")
        s.oneOf("job-concurrency", context: strategyContext, ["non-empty-string", "concurrency-mapping"])
        s.oneOf("job-environment", context: strategyContext, ["string", "job-environment-mapping"])
        s.mapping("job-environment-mapping", [
            prop("name", "job-environment-name", required: true),
            prop("url", "string-runner-context-no-secrets"),
            prop("deployment", "boolean"),
        ])
        s.string("job-environment-name", context: strategyContext)
        s.mapping("job-defaults", [prop("run", "job-defaults-run")])
        s.mapping("job-defaults-run", context: workflowContext + ["strategy", "matrix", "needs", "env"],
                  [prop("shell", "shell"), prop("working-directory", "working-directory")])
        s.mapping("job-outputs", looseKey: "non-empty-string", looseValue: "string-runner-context")
    }

    private static func addSteps(_ s: inout SchemaBuilder) {
        s.sequence("steps", of: "steps-item")
        s.oneOf("steps-item", ["run-step", "regular-step", "wait-step", "wait-all-step", "cancel-step", "parallel-step"])
        s.mapping("run-step", [
            prop("name", "step-name"),
            prop("id", "step-id"),
            prop("if", "step-if"),
            prop("timeout-minutes", "step-timeout-minutes"),
            prop("run", "string-steps-context", required: true),
            prop("continue-on-error", "step-continue-on-error"),
            prop("env", "step-env"),
            prop("working-directory", "string-steps-context"),
            prop("shell", "shell"),
            prop("background", "step-background"),
        ])
        s.mapping("regular-step", [
            prop("name", "step-name"),
            prop("id", "step-id"),
            prop("if", "step-if"),
            prop("continue-on-error", "step-continue-on-error"),
            prop("timeout-minutes", "step-timeout-minutes"),
            prop("uses", "step-uses", required: true),
            prop("with", "step-with"),
            prop("env", "step-env"),
            prop("background", "step-background"),
        ])
        s.mapping("wait-step", [
            prop("name", "step-name"),
            prop("id", "step-id"),
            prop("continue-on-error", "step-continue-on-error"),
            prop("wait", "step-wait-target", required: true),
        ])
        s.mapping("wait-all-step", [
            prop("name", "step-name"),
            prop("id", "step-id"),
            prop("continue-on-error", "step-continue-on-error"),
            prop("wait-all", "step-wait-all-value", required: true),
        ])
        s.mapping("cancel-step", [
            prop("name", "step-name"),
            prop("id", "step-id"),
            prop("continue-on-error", "step-continue-on-error"),
            prop("cancel", "step-cancel-target", required: true),
        ])
        s.mapping("parallel-step", [prop("parallel", "parallel-steps", required: true)])
        s.sequence("parallel-steps", of: "steps-item")
        s.string("step-uses", nonEmpty: true)
        s.add("step-background", .boolean)
        s.oneOf("step-wait-target", ["non-empty-string", "sequence-of-non-empty-string"])
        s.oneOf("step-wait-all-value", ["null", "boolean"])
        s.string("step-cancel-target", nonEmpty: true)
        s.boolean("step-continue-on-error", context: stepsContext)
        s.string("step-id", nonEmpty: true)
        s.string("step-if", context: stepIfContext)
        s.mapping("step-env", context: stepsContext, looseKey: "non-empty-string", looseValue: "string")
        s.string("step-name", context: stepsContext)
        s.number("step-timeout-minutes", context: stepsContext)
        s.mapping("step-with", context: stepsContext, looseKey: "non-empty-string", looseValue: "string")
    }

    private static func addContainers(_ s: inout SchemaBuilder) {
        s.oneOf("container", context: strategyContext, ["string", "container-mapping"])
        let common = [
            prop("image", "non-empty-string"),
            prop("options", "string"),
            prop("env", "container-env"),
            prop("ports", "sequence-of-non-empty-string"),
            prop("volumes", "sequence-of-non-empty-string"),
            prop("credentials", "container-registry-credentials"),
        ]
        s.mapping("container-mapping", common)
        s.mapping("services", context: strategyContext, looseKey: "non-empty-string", looseValue: "services-container")
        s.oneOf("services-container", context: strategyContext, ["non-empty-string", "service-container-mapping"])
        s.mapping("service-container-mapping", common + [prop("entrypoint", "string"), prop("command", "string")])
        s.mapping("container-registry-credentials", context: workflowContext + ["secrets", "env"],
                  [prop("username", "non-empty-string"), prop("password", "non-empty-string")])
        s.mapping("container-env", looseKey: "non-empty-string", looseValue: "string-runner-context")
        s.mapping("cron-mapping", [prop("cron", "cron-pattern", required: true), prop("timezone", "timezone-string")])
        s.string("cron-pattern", nonEmpty: true)
        s.string("timezone-string", nonEmpty: true)
    }
}
