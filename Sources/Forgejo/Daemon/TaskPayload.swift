import Engine
import Expressions
import Foundation
import ForgejoProtocol
import SwiftProtobuf
import Workflow
import Yams

/// Reads what a Forgejo task carries: the single-job workflow, its `github` context, and the
/// results of the jobs it needs (§3.5 of the protocol notes).
public enum TaskPayload {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The workflow of the payload and its one job. Each job named in `needs` is added as a
    /// placeholder (as forgejo-runner does) so the reader accepts the references; the engine never
    /// runs them, it takes their results from the task.
    static func workflow(of task: Runner_V1_Task) throws -> (Workflow, Job) {
        guard task.hasWorkflowPayload else { throw Invalid(description: "the task carries no workflow") }
        let text = String(decoding: task.workflowPayload, as: UTF8.self)
        let file = "task-\(task.id).yml"
        var yaml = text
        if !task.needs.isEmpty {
            yaml = try withPlaceholders(for: task.needs.keys.sorted(), in: text)
        }
        let workflow: Workflow
        do {
            workflow = try WorkflowReader.read(yaml: yaml, file: file)
        } catch {
            throw Invalid(description: "the workflow of the task is invalid:\n\(error)\n\(numbered(text))")
        }
        let own = workflow.jobs.filter { !task.needs.keys.contains($0.id) }
        guard own.count == 1, let job = own.first else {
            throw Invalid(description: "the workflow of the task must hold exactly one job, it holds \(own.count)")
        }
        return (workflow, job)
    }

    /// The payload with numbered lines, for the job log when it cannot be read.
    static func numbered(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { String(format: "%4d  ", $0.offset + 1) + $0.element }.joined(separator: "\n")
    }

    private static func withPlaceholders(for needs: [String], in text: String) throws -> String {
        guard var root = try? Yams.compose(yaml: text), case .mapping(var top) = root,
            let jobsKey = top.keys.first(where: { $0.string == "jobs" }), case .mapping(var jobs)? = top[jobsKey]
        else { throw Invalid(description: "the workflow of the task has no jobs mapping:\n\(numbered(text))") }
        for need in needs where !jobs.keys.contains(where: { $0.string == need }) {
            let placeholder: Node = .mapping(Node.Mapping([
                (Node("runs-on"), Node("hearth-completed-need")),
                (Node("steps"), .sequence(Node.Sequence([.mapping(Node.Mapping([(Node("run"), Node("true"))]))]))),
            ]))
            jobs[Node(need)] = placeholder
        }
        top[jobsKey] = .mapping(jobs)
        root = .mapping(top)
        return try Yams.serialize(node: root)
    }

    /// The needs of the task as finished jobs for the engine.
    public static func needs(of task: Runner_V1_Task) -> [JobSummary] {
        task.needs.keys.sorted().map { id in
            let need = task.needs[id]!
            return JobSummary(jobID: id, result: conclusion(need.result), outputs: need.outputs, instances: [])
        }
    }

    public static func conclusion(_ result: Runner_V1_Result) -> Conclusion {
        switch result {
        case .success: return .success
        case .failure: return .failure
        case .cancelled: return .cancelled
        case .skipped: return .skipped
        default: return .failure
        }
    }

    /// `google.protobuf.Struct` → an expression object (the `github` context).
    static func object(_ value: Google_Protobuf_Struct) -> ObjectValue {
        ObjectValue(value.fields.keys.sorted().map { ($0, Self.value(value.fields[$0]!)) })
    }

    static func value(_ value: Google_Protobuf_Value) -> Value {
        switch value.kind {
        case .nullValue, .none: return .null
        case .numberValue(let number): return .number(number)
        case .stringValue(let string): return .string(string)
        case .boolValue(let bool): return .bool(bool)
        case .structValue(let object): return .object(Self.object(object))
        case .listValue(let list): return .array(list.values.map(Self.value))
        }
    }
}
