/// The schema of action metadata files, as a table for the template reader.
///
/// It follows GitHub's action schema (action-v1.0) for what is checked strictly — the `runs:`
/// keys, composite steps, and which expression contexts are allowed where — and the runner's
/// leniency for the rest, which actions in the wild rely on: unknown top-level keys, `name` and
/// `description` optional, `branding` not checked, unknown keys inside an input, and `required:`
/// written as a string.
///
/// `runs:` is one mapping with the keys of all kinds; which keys a kind accepts and requires is
/// checked by `ActionConverter` once `using:` is known, so the errors can name the kind.
enum ActionSchema {
    static let root = "action-root"

    static let shared = WorkflowSchema(builder: build())

    // MARK: - Contexts

    /// Composite steps (`run`, `name`, `env`, `with`, `working-directory`, `shell`, `continue-on-error`).
    static let stepsContext = ["github", "inputs", "strategy", "matrix", "steps", "job", "runner", "env", "hashFiles(1,255)"]
    /// A composite step's `if:`.
    static let stepIfContext = stepsContext + ["always(0,0)", "failure(0,0)", "cancelled(0,0)", "success(0,0)"]
    /// `runs.pre-if` / `runs.post-if`.
    static let runsIfContext = ["runner", "github", "job", "strategy", "matrix", "env", "inputs",
                                "always(0,0)", "success(0,0)", "failure(0,0)", "cancelled(0,0)", "hashFiles(1,255)"]
    /// An input's `default:`.
    static let inputDefaultContext = ["github", "strategy", "matrix", "job", "runner", "hashFiles(1,255)"]
    /// An output's `value:`.
    static let outputValueContext = ["github", "strategy", "matrix", "steps", "inputs", "job", "runner", "env"]
    /// `runs.args` and `runs.env` of a Docker action.
    static let containerContext = ["inputs"]

    // MARK: - Table

    private static func build() -> SchemaBuilder {
        var s = SchemaBuilder()
        s.string("non-empty-string", nonEmpty: true)

        s.mapping("action-root", [
            prop("name", "string"),
            prop("description", "string"),
            prop("author", "any"),
            prop("inputs", "inputs"),
            prop("outputs", "outputs"),
            prop("runs", "runs", required: true),
            prop("branding", "any"),
        ], looseKey: "non-empty-string", looseValue: "any")

        s.mapping("inputs", looseKey: "non-empty-string", looseValue: "input")
        s.mapping("input", [
            prop("description", "any"),
            prop("required", "input-required"),
            prop("default", "input-default-context"),
            prop("deprecationMessage", "any"),
        ], looseKey: "non-empty-string", looseValue: "any")
        s.oneOf("input-required", ["boolean", "string"])
        s.string("input-default-context", context: inputDefaultContext)

        s.mapping("outputs", looseKey: "non-empty-string", looseValue: "output-definition")
        s.mapping("output-definition", [prop("description", "string"), prop("value", "output-value")])
        s.string("output-value", context: outputValueContext)

        s.mapping("runs", [
            prop("using", "non-empty-string", required: true),
            // JavaScript
            prop("main", "non-empty-string"),
            prop("pre", "non-empty-string"),
            prop("post", "non-empty-string"),
            // JavaScript and Docker
            prop("pre-if", "runs-if"),
            prop("post-if", "runs-if"),
            // Docker
            prop("image", "non-empty-string"),
            prop("entrypoint", "non-empty-string"),
            prop("args", "container-runs-args"),
            prop("env", "container-runs-env"),
            prop("pre-entrypoint", "non-empty-string"),
            prop("post-entrypoint", "non-empty-string"),
            // Composite
            prop("steps", "composite-steps"),
        ])
        s.string("runs-if", context: runsIfContext)
        s.sequence("container-runs-args", of: "container-runs-context")
        s.string("container-runs-context", context: containerContext)
        s.mapping("container-runs-env", context: containerContext, looseKey: "non-empty-string", looseValue: "string")

        s.sequence("composite-steps", of: "composite-step")
        s.oneOf("composite-step", ["run-step", "uses-step"])
        s.mapping("run-step", [
            prop("name", "string-steps-context"),
            prop("id", "non-empty-string"),
            prop("if", "step-if"),
            prop("run", "string-steps-context", required: true),
            prop("shell", "string-steps-context", required: true),
            prop("env", "step-env"),
            prop("continue-on-error", "boolean-steps-context"),
            prop("working-directory", "string-steps-context"),
        ])
        s.mapping("uses-step", [
            prop("name", "string-steps-context"),
            prop("id", "non-empty-string"),
            prop("if", "step-if"),
            prop("uses", "non-empty-string", required: true),
            prop("with", "step-with"),
            prop("env", "step-env"),
            prop("continue-on-error", "boolean-steps-context"),
        ])
        s.string("string-steps-context", context: stepsContext)
        s.boolean("boolean-steps-context", context: stepsContext)
        s.string("step-if", context: stepIfContext)
        s.mapping("step-env", context: stepsContext, looseKey: "non-empty-string", looseValue: "string")
        s.mapping("step-with", context: stepsContext, looseKey: "non-empty-string", looseValue: "string")
        return s
    }
}
