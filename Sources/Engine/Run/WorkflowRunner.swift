import Backends
import Expressions
import Foundation
import Workflow

/// The result of one workflow job across its matrix, as `needs.<id>` sees it.
public struct JobSummary: Sendable {
    public var jobID: String
    public var result: Conclusion
    public var outputs: [String: String]
    /// Every instance that ran or was skipped, with its own result.
    public var instances: [(JobKey, Conclusion)]

    public init(jobID: String, result: Conclusion, outputs: [String: String], instances: [(JobKey, Conclusion)]) {
        self.jobID = jobID
        self.result = result
        self.outputs = outputs
        self.instances = instances
    }
}

/// Runs the jobs of one workflow in `needs` order: independent jobs in parallel (bounded),
/// dependents skipped after a failure unless their `if:` says otherwise, matrices expanded as
/// GitHub does (with `fail-fast` and `max-parallel`), reusable local workflows run in place.
public struct WorkflowRunner: Sendable {
    public let workflow: Workflow
    public let run: RunContext
    public let environments: any EnvironmentFactory
    public let sink: any EventSink
    public let cancellation: CancellationSignal
    public let limit: AsyncSemaphore
    /// Job ids to run (with their transitive needs); nil runs every job.
    public let selectedJobs: Set<String>?
    /// Prefix for display names of jobs inside a called workflow (`caller / `).
    public let namePrefix: String
    /// Jobs that finished elsewhere (a Forgejo task carries its needs' results): never run here,
    /// their results and outputs feed `needs`.
    public let completedJobs: [JobSummary]

    public init(
        workflow: Workflow, run: RunContext, environments: any EnvironmentFactory, sink: any EventSink,
        cancellation: CancellationSignal, limit: AsyncSemaphore, selectedJobs: Set<String>? = nil, namePrefix: String = "",
        completedJobs: [JobSummary] = []
    ) {
        self.completedJobs = completedJobs
        self.workflow = workflow
        self.run = run
        self.environments = environments
        self.sink = sink
        self.cancellation = cancellation
        self.limit = limit
        self.selectedJobs = selectedJobs
        self.namePrefix = namePrefix
    }

    /// The jobs that will run: the selection plus everything it needs, in file order.
    public var plannedJobs: [Job] {
        guard let selectedJobs else { return workflow.jobs }
        var wanted = Set<String>()
        var queue = Array(selectedJobs)
        while let id = queue.popLast() {
            guard wanted.insert(id).inserted, let job = workflow.job(id) else { continue }
            queue.append(contentsOf: job.needs)
        }
        return workflow.jobs.filter { wanted.contains($0.id) }
    }

    /// Runs the planned jobs and returns their summaries in file order.
    public func execute() async -> [JobSummary] {
        let jobs = plannedJobs
        var finished: [String: JobSummary] = [:]
        for summary in completedJobs { finished[summary.jobID] = summary }
        var started = Set(completedJobs.map(\.jobID))
        await withTaskGroup(of: JobSummary.self) { group in
            func launchReady() {
                for job in jobs where !started.contains(job.id) && job.needs.allSatisfy({ finished[$0] != nil }) {
                    started.insert(job.id)
                    let needs = job.needs.compactMap { finished[$0] }
                    group.addTask { await self.execute(job, needs: needs) }
                }
            }
            launchReady()
            for await summary in group {
                finished[summary.jobID] = summary
                launchReady()
            }
        }
        let external = Set(completedJobs.map(\.jobID))
        return jobs.filter { !external.contains($0.id) }.compactMap { finished[$0.id] }
    }

    // MARK: - One workflow job

    private func execute(_ job: Job, needs: [JobSummary]) async -> JobSummary {
        let needsContext = ObjectValue(needs.map { need in
            (need.jobID, Value.object(ObjectValue([
                ("result", .string(need.result.rawValue)),
                ("outputs", .object(JobContexts.object(need.outputs))),
            ])))
        })
        let needsSucceeded = needs.allSatisfy { $0.result == .success }
        let status = StatusFunctions(
            success: needsSucceeded && !cancellation.isCancelled,
            failure: needs.contains { $0.result == .failure },
            cancelled: cancellation.isCancelled)
        var github = run.github
        github["job"] = .string(job.id)
        let base = JobContexts(
            github: github, secrets: run.secretsContext, vars: run.varsContext, inputs: run.inputs, matrix: ObjectValue(),
            strategy: ObjectValue(), needs: needsContext, runner: ObjectValue(), job: ObjectValue())

        let plainKey = JobKey(jobID: job.id, displayName: namePrefix + (job.name.flatMap { Template.containsExpression($0) ? nil : $0 } ?? job.id), workflow: workflow.file)
        let conditionContext = base.evaluation(env: [:], status: status)
        do {
            guard try Evaluator.condition(job.condition, conditionContext) else {
                let reason = needsSucceeded ? "its 'if' condition is false" : "a job it needs did not succeed"
                sink.receive(.jobSkipped(plainKey, reason: reason))
                return JobSummary(jobID: job.id, result: .skipped, outputs: [:], instances: [(plainKey, .skipped)])
            }
        } catch {
            report(plainKey, error: "The job's 'if' expression could not be evaluated: \(error)")
            return JobSummary(jobID: job.id, result: .failure, outputs: [:], instances: [(plainKey, .failure)])
        }

        if let uses = job.uses {
            return await executeReusable(job, uses: uses, key: plainKey, contexts: base)
        }

        // Matrix: expand, then run the instances with max-parallel and fail-fast.
        let combinations: [MatrixCombination]
        let failFast: Bool
        var maxParallel: Int?
        do {
            let context = base.evaluation(env: [:])
            combinations = try Self.combinations(for: job.strategy?.matrix, context)
            failFast = try job.strategy?.failFast.map { try Evaluator.value($0, context).isTruthy } ?? true
            if let value = try job.strategy?.maxParallel.map({ try Evaluator.value($0, context) }), case .number(let number) = value, number >= 1 {
                maxParallel = Int(number)
            }
        } catch {
            report(plainKey, error: "Error evaluating the job's strategy: \(error)")
            return JobSummary(jobID: job.id, result: .failure, outputs: [:], instances: [(plainKey, .failure)])
        }

        let parallelLimit = maxParallel
        let matrixCancellation = CancellationSignal(parent: cancellation)
        let matrixLimit = AsyncSemaphore(permits: parallelLimit ?? combinations.count)
        let total = combinations.count
        let results = await withTaskGroup(of: (Int, JobKey, JobOutcome).self) { group in
            for (index, combination) in combinations.enumerated() {
                group.addTask {
                    await matrixLimit.withPermit {
                        var contexts = base
                        contexts.matrix = combination.values
                        contexts.strategy = ObjectValue([
                            ("fail-fast", .bool(failFast)), ("job-index", .number(Double(index))),
                            ("job-total", .number(Double(total))), ("max-parallel", .number(Double(parallelLimit ?? total))),
                        ])
                        let key = self.instanceKey(job, combination: combination, index: total > 1 || !combination.values.isEmpty ? index : nil, contexts: contexts)
                        let instanceContexts = contexts
                        if matrixCancellation.isCancelled {
                            self.sink.receive(.jobSkipped(key, reason: matrixCancellation.reason ?? "cancelled"))
                            return (index, key, JobOutcome(result: .cancelled))
                        }
                        let outcome = await self.limit.withPermit {
                            await self.executeInstance(job, key: key, contexts: instanceContexts, cancellation: matrixCancellation)
                        }
                        if outcome.result == .failure && failFast && !self.continueOnError(job, instanceContexts) {
                            matrixCancellation.cancel(reason: "fail-fast: \(key.displayName) failed")
                        }
                        return (index, key, outcome)
                    }
                }
            }
            var collected: [(Int, JobKey, JobOutcome)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }
        }

        var outputs: [String: String] = [:]
        for (_, _, outcome) in results { outputs.merge(outcome.outputs) { _, new in new } }
        let allowedToFail = continueOnError(job, base)
        let result: Conclusion
        if results.contains(where: { $0.2.result == .failure }) {
            result = allowedToFail ? .success : .failure
        } else if results.contains(where: { $0.2.result == .cancelled }) {
            result = .cancelled
        } else {
            result = .success
        }
        return JobSummary(jobID: job.id, result: result, outputs: outputs, instances: results.map { ($0.1, $0.2.result) })
    }

    private func executeInstance(_ job: Job, key: JobKey, contexts: JobContexts, cancellation: CancellationSignal) async -> JobOutcome {
        let environment: any ExecutionEnvironment
        var notes: [LogLine] = []
        do {
            let request = try environmentRequest(job, key: key, contexts: contexts)
            environment = try await environments.makeEnvironment(for: key, request: request)
            if let image = request.container?.image, !environment.runsJobContainers {
                notes.append(.warning("The job's container '\(image)' is ignored: the \(environment.kind) backend runs steps directly on this machine. Use --backend podman to run them in the container."))
            }
            if !request.services.isEmpty && !environment.runsJobContainers {
                notes.append(.warning("The job's services (\(request.services.map(\.name).joined(separator: ", "))) are not started: the \(environment.kind) backend cannot run containers."))
            }
        } catch {
            sink.receive(.jobStarted(key, steps: [], at: Date()))
            sink.receive(.log(key, step: nil, .error("Cannot prepare the job's environment: \(error)")))
            sink.receive(.jobFinished(key, result: .failure, outputs: [:], duration: .zero))
            return JobOutcome(result: .failure)
        }
        var contexts = contexts
        contexts.github["workspace"] = .string(environment.workspace)
        // GITHUB_EVENT_PATH: the payload as a file, where act and forgejo-runner put it.
        let eventPath = "\(environment.runnerTemp)/_github_workflow/event.json"
        let hostEventPath = environment.hostPath(for: eventPath)
        try? FileManager.default.createDirectory(atPath: (hostEventPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if FileManager.default.createFile(atPath: hostEventPath, contents: Data((contexts.github["event"] ?? .object(ObjectValue())).toJSON().utf8)) {
            contexts.github["event_path"] = .string(eventPath)
        }
        contexts.runner = JobContexts.runnerContext(name: run.runnerName, environment: environment, debug: run.stepDebug)
        let workspace = environment.hostPath(for: environment.workspace)
        contexts.hashFiles = { patterns in try HashFiles.hash(patterns: patterns, workspace: workspace) }
        let runner = JobRunner(
            workflow: workflow, job: job, key: key, run: run, contexts: contexts, environment: environment, sink: sink,
            cancellation: cancellation)
        let outcome = await runner.execute(notes: notes)
        await environment.teardown()
        return outcome
    }

    // MARK: - Helpers

    /// The job's `container:` and `services:` with their expressions evaluated.
    private func environmentRequest(_ job: Job, key: JobKey, contexts: JobContexts) throws -> JobEnvironmentRequest {
        let context = contexts.evaluation(env: [:])
        func evaluate(_ spec: ContainerSpec) throws -> ContainerRequest {
            var environment: [String: String] = [:]
            for (name, value) in try Evaluator.map(spec.env, context) { environment[name] = value }
            return ContainerRequest(
                image: try Evaluator.string(spec.image, context),
                username: try spec.credentials?.username.map { try Evaluator.string($0, context) },
                password: try spec.credentials?.password.map { try Evaluator.string($0, context) },
                environment: environment, ports: try spec.ports.map { try Evaluator.string($0, context) },
                volumes: try spec.volumes.map { try Evaluator.string($0, context) },
                options: try spec.options.map { try Evaluator.string($0, context) },
                entrypoint: spec.entrypoint, command: spec.command)
        }
        var container = try job.container.map(evaluate)
        if container?.image.isEmpty == true { container = nil }
        let services = try job.services.map { (name: $0.key, container: try evaluate($0.value)) }
        let safeName = key.displayName.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return JobEnvironmentRequest(
            name: String(safeName).lowercased(), labels: ["hearth.job": job.id, "hearth.workflow": workflow.file],
            container: container, services: services)
    }

    private func instanceKey(_ job: Job, combination: MatrixCombination, index: Int?, contexts: JobContexts) -> JobKey {
        let base = job.name ?? job.id
        let name: String
        if Template.containsExpression(base) {
            name = (try? Evaluator.string(base, contexts.evaluation(env: [:]))) ?? base
        } else if !combination.values.isEmpty {
            name = MatrixExpander.displayName(jobName: base, combination: combination)
        } else {
            name = base
        }
        return JobKey(jobID: job.id, displayName: namePrefix + name, workflow: workflow.file, matrixIndex: index)
    }

    private func continueOnError(_ job: Job, _ contexts: JobContexts) -> Bool {
        guard let value = job.continueOnError else { return false }
        return ((try? Evaluator.value(value, contexts.evaluation(env: [:]))) ?? .bool(false)).isTruthy
    }

    private func report(_ key: JobKey, error: String) {
        sink.receive(.jobStarted(key, steps: [], at: Date()))
        sink.receive(.log(key, step: nil, LogLine.error(error)))
        sink.receive(.jobFinished(key, result: .failure, outputs: [:], duration: .zero))
    }

    /// Evaluates `strategy.matrix` (a whole `${{ }}` or a mapping whose vectors may be expressions)
    /// and expands it. No matrix is one empty combination.
    static func combinations(for matrix: MatrixSpec?, _ context: EvaluationContext) throws -> [MatrixCombination] {
        guard let matrix else { return [MatrixCombination(values: ObjectValue())] }
        let value: Value
        switch matrix {
        case .expression(let text):
            value = try Evaluator.value(.string(text), context)
        case .definition(let definition):
            value = try evaluateNested(definition, context)
        }
        return try MatrixExpander.expand(value)
    }

    private static func evaluateNested(_ value: Value, _ context: EvaluationContext) throws -> Value {
        switch value {
        case .string(let text) where Template.containsExpression(text):
            return try Evaluator.value(value, context)
        case .array(let elements):
            return .array(try elements.map { try evaluateNested($0, context) })
        case .object(let object):
            var result = ObjectValue()
            for (key, element) in object.entries { result[key] = try evaluateNested(element, context) }
            return .object(result)
        default:
            return value
        }
    }
}
