import Testing
import Workflow

/// Reads `yaml` (named `test.yml`), recording an issue and returning nil when it has errors.
func readWorkflow(_ yaml: String, options: ReaderOptions = .default,
                  sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Workflow? {
    do {
        return try WorkflowReader.read(yaml: yaml, file: "test.yml", options: options)
    } catch {
        Issue.record("unexpected errors:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The errors of `yaml` (named `test.yml`).
func workflowErrors(_ yaml: String, options: ReaderOptions = .default) -> [WorkflowError] {
    WorkflowReader.validate(yaml: yaml, file: "test.yml", options: options)
}
