import Expressions
import Foundation
import Workflow

extension WorkflowRunner {
    /// Runs a job that calls a reusable workflow (`uses: ./.github/workflows/x.yml`): the called
    /// workflow's jobs run as jobs of this run, named `caller / job`, with the caller's `with:` as
    /// `inputs` and its `secrets:` (or all of them with `inherit`); `on.workflow_call.outputs` become
    /// this job's outputs.
    func executeReusable(_ job: Job, uses: String, key: JobKey, contexts: JobContexts) async -> JobSummary {
        func failed(_ message: String) -> JobSummary {
            sink.receive(.jobStarted(key, steps: [], at: Date()))
            sink.receive(.log(key, step: nil, LogLine.error(message)))
            sink.receive(.jobFinished(key, result: .failure, outputs: [:], duration: .zero))
            return JobSummary(jobID: job.id, result: .failure, outputs: [:], instances: [(key, .failure)])
        }
        guard uses.hasPrefix("./") else {
            return failed("Reusable workflow '\(uses)': only local reusable workflows (./path/to/workflow.yml) can run in this version of Hearth.")
        }
        guard let root = run.repositoryRoot else {
            return failed("Reusable workflow '\(uses)': no local repository to read it from.")
        }
        let path = (root as NSString).appendingPathComponent(String(uses.dropFirst(2)))
        let called: Workflow
        do {
            called = try WorkflowReader.read(path: path)
        } catch {
            return failed("Reusable workflow '\(uses)' is invalid:\n\(error)")
        }
        guard called.triggers.contains("workflow_call") else {
            return failed("Reusable workflow '\(uses)' has no 'on: workflow_call' trigger.")
        }

        let context = contexts.evaluation(env: [:])
        var inputs = ObjectValue()
        var nestedRun = run
        do {
            var given = ObjectValue()
            for (name, value) in job.with { given[name] = try Evaluator.value(value, context) }
            inputs = try InputValues.resolve(called.triggers.workflowCallInputs, given: given, defaultsContext: context)
            switch job.secrets {
            case .inherit:
                break
            case .mapping(let pairs):
                var secrets: [String: String] = [:]
                for (name, value) in pairs { secrets[name] = try Evaluator.string(value, context) }
                nestedRun.secrets = secrets
            case nil:
                nestedRun.secrets = [:]
            }
        } catch {
            return failed("Reusable workflow '\(uses)': \(error)")
        }
        nestedRun.inputs = inputs

        let nested = WorkflowRunner(
            workflow: called, run: nestedRun, environments: environments, sink: sink, cancellation: cancellation, limit: limit,
            namePrefix: key.displayName + " / ")
        let summaries = await nested.execute()

        var jobs = ObjectValue()
        for summary in summaries {
            jobs[summary.jobID] = .object(ObjectValue([
                ("result", .string(summary.result.rawValue)), ("outputs", .object(JobContexts.object(summary.outputs))),
            ]))
        }
        var outputContext = context
        outputContext.contexts["jobs"] = .object(jobs)
        outputContext.contexts["inputs"] = .object(inputs)
        var outputs: [String: String] = [:]
        for output in called.triggers.workflowCallOutputs {
            outputs[output.name] = (try? Evaluator.string(output.value, outputContext)) ?? ""
        }
        let result: Conclusion =
            summaries.contains { $0.result == .failure } ? .failure
            : summaries.contains { $0.result == .cancelled } ? .cancelled : .success
        return JobSummary(jobID: job.id, result: result, outputs: outputs, instances: summaries.flatMap(\.instances))
    }
}
