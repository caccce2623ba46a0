import Engine
import Expressions
import Foundation
import Workflow

/// Turns workflow YAML into the jobs Forgejo would insert for a run: every job of the file, one
/// per matrix combination, with its display name, evaluated `runs-on`, `needs`, step names and
/// single-job payload.
///
/// Evaluation is limited to what the server can know when the run is created: `runs-on`, the
/// matrix and `name` may use the `matrix`, `vars`, `github` and `inputs` contexts. A matrix or
/// `runs-on` that depends on `needs` outputs (Forgejo's "incomplete matrix"/"incomplete runs-on")
/// and reusable-workflow jobs (`uses:`) are rejected with `DoubleError.unsupported`.
enum WorkflowPlanner {
    /// Contexts usable in `runs-on`, `name` and `strategy.matrix` at queue time.
    static let queueTimeContexts: Set<String> = ["matrix", "vars", "github", "inputs"]

    static func plan(yaml: String, file: String, github: ObjectValue, vars: [String: String]) throws(DoubleError) -> [PlannedJob] {
        let workflow: Workflow
        do {
            workflow = try WorkflowReader.read(yaml: yaml, file: file)
        } catch {
            throw DoubleError(.invalidWorkflow, error.description)
        }
        let raw = try SingleJobWorkflow(yaml: yaml)
        var variables = ObjectValue()
        for key in vars.keys.sorted() { variables[key] = .string(vars[key] ?? "") }
        var contexts = ObjectValue()
        contexts["github"] = .object(github)
        contexts["vars"] = .object(variables)
        contexts["inputs"] = .object(ObjectValue())

        var planned: [PlannedJob] = []
        for job in workflow.jobs {
            if job.isReusableWorkflowCall {
                throw DoubleError(.unsupported,
                                  "job '\(job.id)' calls a reusable workflow (uses:), which the test double does not expand")
            }
            let combinations = try matrixCombinations(of: job, contexts: contexts)
            for combination in combinations {
                var jobContexts = contexts
                if let combination { jobContexts["matrix"] = combination.value }
                let context = EvaluationContext(contexts: jobContexts)
                let name = displayName(of: job, combination: combination, context: context)
                let runsOn = try labels(of: job, context: context)
                let payload = try raw.payload(jobKey: job.id, name: name, runsOn: runsOn,
                                              matrix: combination?.values)
                var matrix: [String: String] = [:]
                for entry in combination?.values.entries ?? [] { matrix[entry.key] = entry.value.coercedString }
                planned.append(PlannedJob(
                    jobKey: job.id, name: name, needs: job.needs, runsOn: runsOn,
                    hasCondition: !(job.ifCondition ?? "").trimmingCharacters(in: .whitespaces).isEmpty,
                    payload: payload, matrix: matrix, stepNames: job.steps.map(stepName)))
            }
        }
        return planned
    }

    /// The combinations of the job's matrix; `[nil]` when it has none.
    private static func matrixCombinations(of job: Job, contexts: ObjectValue) throws(DoubleError) -> [MatrixCombination?] {
        guard let strategy = job.strategy else { return [nil] }
        if strategy.expression != nil {
            throw DoubleError(.unsupported, "job '\(job.id)': a strategy given as one expression is not supported by the test double")
        }
        guard let spec = strategy.matrix else { return [nil] }
        let context = EvaluationContext(contexts: contexts)
        let value: Value
        switch spec {
        case .expression(let text):
            value = try evaluate(text, what: "strategy.matrix", job: job.id, context: context)
        case .definition(let definition):
            value = try evaluateStrings(in: definition, job: job.id, context: context)
        }
        do {
            let combinations = try MatrixExpander.expand(value)
            return combinations.map { $0.values.isEmpty ? nil : $0 }
        } catch {
            throw DoubleError(.invalidWorkflow, "Error when evaluating 'strategy' for job '\(job.id)'. \(error)")
        }
    }

    /// Evaluates every string holding `${{ }}` inside a matrix definition.
    private static func evaluateStrings(in value: Value, job: String, context: EvaluationContext) throws(DoubleError) -> Value {
        switch value {
        case .string(let text) where Template.containsExpression(text):
            return try evaluate(text, what: "strategy.matrix", job: job, context: context)
        case .array(let items):
            var result: [Value] = []
            for item in items { result.append(try evaluateStrings(in: item, job: job, context: context)) }
            return .array(result)
        case .object(let object):
            var result = ObjectValue()
            for entry in object.entries { result[entry.key] = try evaluateStrings(in: entry.value, job: job, context: context) }
            return .object(result)
        default:
            return value
        }
    }

    private static func evaluate(_ text: String, what: String, job: String, context: EvaluationContext) throws(DoubleError) -> Value {
        let template: Template
        do {
            template = try Template(text, allowedContexts: queueTimeContexts)
        } catch {
            throw DoubleError(.unsupported, "job '\(job)': \(what) '\(text)' can only use the matrix, vars, github and inputs contexts in the test double (\(error))")
        }
        do {
            return try template.evaluate(context)
        } catch {
            throw DoubleError(.invalidWorkflow, "job '\(job)': cannot evaluate \(what) '\(text)': \(error)")
        }
    }

    /// Forgejo's naming: a job without `name` is called by its id plus the matrix values
    /// (`build (linux, 20)`); a `name` is interpolated with the matrix and nothing is appended.
    private static func displayName(of job: Job, combination: MatrixCombination?, context: EvaluationContext) -> String {
        guard let name = job.name, !name.isEmpty else {
            guard let combination else { return job.id }
            return MatrixExpander.displayName(jobName: job.id, combination: combination)
        }
        guard Template.containsExpression(name) else { return name }
        return (try? Template(name).evaluateString(context)) ?? name
    }

    /// The evaluated `runs-on` label names.
    private static func labels(of job: Job, context: EvaluationContext) throws(DoubleError) -> [String] {
        guard let runsOn = job.runsOn else { return [] }
        var labels: [String] = []
        if runsOn.isExpression, let text = runsOn.labels.first {
            let value = try evaluate(text, what: "runs-on", job: job.id, context: context)
            labels = try flatten(value, job: job.id)
        } else {
            for label in runsOn.labels {
                if Template.containsExpression(label) {
                    let value = try evaluate(label, what: "runs-on", job: job.id, context: context)
                    labels.append(contentsOf: try flatten(value, job: job.id))
                } else {
                    labels.append(label)
                }
            }
        }
        return labels
    }

    private static func flatten(_ value: Value, job: String) throws(DoubleError) -> [String] {
        switch value {
        case .string(let text):
            return [text]
        case .array(let items):
            var result: [String] = []
            for item in items { result.append(contentsOf: try flatten(item, job: job)) }
            return result
        case .object(let object):
            guard let labels = object["labels"] else { return [] }
            return try flatten(labels, job: job)
        case .null:
            return []
        case .bool, .number:
            return [value.coercedString]
        }
    }

    /// Forgejo's step row name: `name`, else `uses`, else `run`, trimmed and cut to 255 bytes.
    static func stepName(_ step: Step) -> String {
        let raw = [step.name, step.uses, step.run].compactMap { $0 }.first { !$0.isEmpty } ?? step.id ?? step.generatedId
        return raw.trimmingCharacters(in: .whitespacesAndNewlines).truncatedUTF8(to: 255)
    }
}
