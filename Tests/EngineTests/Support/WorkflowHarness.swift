import Backends
import Engine
import Expressions
import Foundation
import Workflow

/// Runs a workflow written in a test on the host backend, in a fresh repository directory, and
/// returns what happened.
struct WorkflowHarness {
    let directory: String
    let workflow: Workflow

    init(_ yaml: String, files: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory + "/.forgejo/workflows", withIntermediateDirectories: true)
        for (path, contents) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: full, atomically: true, encoding: .utf8)
        }
        let file = directory + "/.forgejo/workflows/test.yml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        workflow = try WorkflowReader.read(path: file)
    }

    func run(
        jobs: Set<String>? = nil, secrets: [String: String] = [:], vars: [String: String] = [:], inputs: ObjectValue = ObjectValue(),
        event: String = "push", parallel: Int = 4, grace: Duration = .seconds(5), cancellation: CancellationSignal = CancellationSignal(),
        configure: (inout RunContext) -> Void = { _ in },
        reaction: (@Sendable (RunEvent) -> Void)? = nil
    ) async -> RunRecord {
        var github = ObjectValue()
        github["event_name"] = .string(event)
        github["event"] = .object(ObjectValue())
        github["repository"] = "test/repo"
        github["repository_owner"] = "test"
        github["sha"] = .string(String(repeating: "a", count: 40))
        github["ref"] = "refs/heads/main"
        github["workflow"] = .string(workflow.name ?? "test")
        var context = RunContext(
            github: github, secrets: secrets, vars: vars, inputs: inputs, terminationGrace: grace, repositoryRoot: directory)
        configure(&context)
        let sink = RecordingSink(reaction: reaction)
        let runner = WorkflowRunner(
            workflow: workflow, run: context, environments: TestHostFactory(workspace: directory), sink: sink,
            cancellation: cancellation, limit: AsyncSemaphore(permits: parallel), selectedJobs: jobs)
        let summaries = await runner.execute()
        return RunRecord(events: sink.all, summaries: summaries)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct TestHostFactory: EnvironmentFactory {
    let workspace: String
    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        try HostEnvironment(workspace: workspace)
    }
}

/// What a test run produced, with lookups by job display name.
struct RunRecord {
    let events: [RunEvent]
    let summaries: [JobSummary]

    /// Output lines of a job (all steps), in order.
    func output(_ job: String) -> [String] {
        events.compactMap {
            if case .log(let key, _, let line) = $0, key.displayName == job, line.kind == .output { return line.text }
            return nil
        }
    }

    /// Every log line of a job, any kind.
    func logs(_ job: String) -> [LogLine] {
        events.compactMap {
            if case .log(let key, _, let line) = $0, key.displayName == job { return line }
            return nil
        }
    }

    /// Step name → outcome/conclusion of a job.
    func steps(_ job: String) -> [(name: String, outcome: Conclusion, conclusion: Conclusion)] {
        events.compactMap {
            if case .stepFinished(let key, let step, let outcome, let conclusion, _) = $0, key.displayName == job {
                return (step.name, outcome, conclusion)
            }
            return nil
        }
    }

    func result(_ job: String) -> Conclusion? {
        for event in events {
            if case .jobFinished(let key, let result, _, _) = event, key.displayName == job { return result }
            if case .jobSkipped(let key, _) = event, key.displayName == job { return .skipped }
        }
        return nil
    }

    func outputs(_ job: String) -> [String: String] {
        for event in events {
            if case .jobFinished(let key, _, let outputs, _) = event, key.displayName == job { return outputs }
        }
        return [:]
    }

    var jobNames: [String] {
        events.compactMap {
            if case .jobStarted(let key, _, _) = $0 { return key.displayName }
            if case .jobSkipped(let key, _) = $0 { return key.displayName }
            return nil
        }
    }

    /// Everything printed anywhere, for secret-leak checks.
    var allText: String {
        events.map { event -> String in
            switch event {
            case .log(_, _, let line): return line.text
            case .jobFinished(_, _, let outputs, _): return outputs.values.joined(separator: "\n")
            case .stepSummary(_, _, let markdown): return markdown
            default: return ""
            }
        }.joined(separator: "\n")
    }
}
