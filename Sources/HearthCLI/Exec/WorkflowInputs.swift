import Engine
import Expressions
import Workflow

/// `--input NAME=VALUE` values typed by the workflow's `workflow_dispatch` (or `workflow_call`) inputs.
enum WorkflowInputs {
    static func resolve(workflow: Workflow, event: String, given: [String: String]) throws -> ObjectValue {
        let definitions = event == "workflow_call" ? workflow.triggers.workflowCallInputs : workflow.triggers.workflowDispatchInputs
        let values = ObjectValue(given.keys.sorted().map { ($0, Value.string(given[$0]!)) })
        do {
            return try InputValues.resolve(definitions, given: values)
        } catch {
            throw ExecError("\(workflow.file): \(error)")
        }
    }
}
