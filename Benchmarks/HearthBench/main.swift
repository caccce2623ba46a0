// Hearth's benchmarks: each prints Hearth's figure next to a floor measured in the same run.
// Run with `swift run -c release HearthBench [steps|composite|expressions|reader|podman-step|podman-start|all]`. Not part of the tests.
// The Podman benchmarks (PodmanBench.swift) run under `all` only when podman and the test image are present.

import Backends
import Engine
import Expressions
import Foundation
import Workflow
import Yams

struct NullSink: EventSink {
    func receive(_ event: RunEvent) {}
}

struct HostFactory: EnvironmentFactory {
    let workspace: String
    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        try HostEnvironment(workspace: workspace)
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Per-step overhead: a job of N `run: true` steps against spawning `bash -e script` N times.
/// Rounds alternate between the two so that machine noise hits both; the medians are compared.
func benchmarkSteps(count: Int, rounds: Int = 5) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-bench-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // Floor: the same shell started directly, N times, output read to the end.
    let script = directory + "/step.sh"
    try "true\n".write(toFile: script, atomically: true, encoding: .utf8)
    let environment = ProcessInfo.processInfo.environment
    let clock = ContinuousClock()
    func direct() async throws -> Duration {
        try await clock.measure {
            for _ in 0..<count {
                let process = try ChildProcess.launch(ProcessSpec(executable: "bash", arguments: ["-e", script], environment: environment, workingDirectory: directory))
                for await _ in process.lines {}
                _ = await process.waitForExit()
            }
        }
    }

    var yaml = "on: push\njobs:\n  bench:\n    runs-on: host\n    steps:\n"
    for _ in 0..<count { yaml += "      - run: true\n" }
    let workflow = try WorkflowReader.read(yaml: yaml, file: "bench.yml")
    let run = RunContext(github: ObjectValue([("event_name", "push"), ("repository", "bench/bench")]), repositoryRoot: directory)
    func hearth() async throws -> Duration {
        let runner = WorkflowRunner(
            workflow: workflow, run: run, environments: HostFactory(workspace: directory), sink: NullSink(),
            cancellation: CancellationSignal(), limit: AsyncSemaphore(permits: 1))
        var result: [JobSummary] = []
        let elapsed = await clock.measure { result = await runner.execute() }
        guard result.first?.result == .success else { throw NSError(domain: "bench: the job failed", code: 1) }
        return elapsed
    }

    var directTimes: [Double] = []
    var hearthTimes: [Double] = []
    for _ in 0..<rounds {
        directTimes.append(seconds(try await direct()))
        hearthTimes.append(seconds(try await hearth()))
    }
    let directMedian = directTimes.sorted()[rounds / 2]
    let hearthMedian = hearthTimes.sorted()[rounds / 2]
    print("steps: \(count) × `run: true`, median of \(rounds) alternating rounds")
    print(String(format: "  direct bash -e spawns: %.3f s (%.2f ms/step)", directMedian, directMedian * 1000 / Double(count)))
    print(String(format: "  hearth job:            %.3f s (%.2f ms/step)", hearthMedian, hearthMedian * 1000 / Double(count)))
    print(String(format: "  ratio: %.2f× (target ≤ 1.5×)", hearthMedian / directMedian))
}

/// A composite action of N `run` steps against the same N steps inline in the job.
func benchmarkComposite(count: Int, rounds: Int = 5) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-bench-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: directory + "/composite", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var action = "runs:\n  using: composite\n  steps:\n"
    for _ in 0..<count { action += "    - shell: bash\n      run: \"true\"\n" }
    try action.write(toFile: directory + "/composite/action.yml", atomically: true, encoding: .utf8)

    var inlineYAML = "on: push\njobs:\n  bench:\n    runs-on: host\n    steps:\n"
    for _ in 0..<count { inlineYAML += "      - shell: bash\n        run: \"true\"\n" }
    let compositeYAML = "on: push\njobs:\n  bench:\n    runs-on: host\n    steps:\n      - uses: ./composite\n"
    let inline = try WorkflowReader.read(yaml: inlineYAML, file: "inline.yml")
    let composite = try WorkflowReader.read(yaml: compositeYAML, file: "composite.yml")
    let run = RunContext(github: ObjectValue([("event_name", "push"), ("repository", "bench/bench")]), repositoryRoot: directory)
    let clock = ContinuousClock()
    func time(_ workflow: Workflow) async throws -> Double {
        let runner = WorkflowRunner(
            workflow: workflow, run: run, environments: HostFactory(workspace: directory), sink: NullSink(),
            cancellation: CancellationSignal(), limit: AsyncSemaphore(permits: 1))
        var result: [JobSummary] = []
        let elapsed = await clock.measure { result = await runner.execute() }
        guard result.first?.result == .success else { throw NSError(domain: "bench: the job failed", code: 1) }
        return seconds(elapsed)
    }
    var inlineTimes: [Double] = []
    var compositeTimes: [Double] = []
    for _ in 0..<rounds {
        inlineTimes.append(try await time(inline))
        compositeTimes.append(try await time(composite))
    }
    let inlineMedian = inlineTimes.sorted()[rounds / 2]
    let compositeMedian = compositeTimes.sorted()[rounds / 2]
    print("composite: \(count) `run` steps in a composite action vs inline, median of \(rounds) alternating rounds")
    print(String(format: "  inline:    %.3f s", inlineMedian))
    print(String(format: "  composite: %.3f s", compositeMedian))
    print(String(format: "  ratio: %.2f× (target ≤ 1.2×)", compositeMedian / inlineMedian))
}

/// Evaluations per second of a typical `if:` against a floor of the same number of dictionary lookups.
func benchmarkExpressions() {
    let result = ExpressionBenchmark.run(iterations: 2_000_000)
    print("expressions: `\(result.expression)`")
    print(String(format: "  %.0f evaluations/s (target ≥ 1,000,000), %.0f parses/s", result.evaluationsPerSecond, result.parsesPerSecond))
}

/// Reading a 1,000-job workflow, against parsing the same YAML text with Yams alone.
func benchmarkReader() {
    let hearth = WorkflowReaderBenchmark.run(jobs: 1000)
    let text = WorkflowReaderBenchmark.yaml(jobs: 1000)
    let yams = ContinuousClock().measure { _ = try? Yams.compose(yaml: text) }
    print("reader: workflow with 1,000 jobs (\(text.utf8.count / 1024) KiB)")
    print(String(format: "  Yams.compose alone: %.1f ms", seconds(yams) * 1000))
    print(String(format: "  hearth reader:      %.1f ms (target ≤ 200 ms), %.2f× of YAML parsing", seconds(hearth) * 1000, seconds(hearth) / seconds(yams)))
}

let which = CommandLine.arguments.dropFirst().first ?? "all"
let stepCount = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 200 : 200
if which == "steps" || which == "all" { try await benchmarkSteps(count: stepCount) }
if which == "composite" || which == "all" { try await benchmarkComposite(count: 50) }
if which == "expressions" || which == "all" { benchmarkExpressions() }
if which == "reader" || which == "all" { benchmarkReader() }
if which == "podman-step" || which == "podman-start" || which == "all" {
    if let reason = await podmanBenchUnavailable() {
        guard which == "all" else { throw PodmanBenchFailure("cannot run \(which): \(reason)") }
        print("podman benchmarks skipped: \(reason)")
    } else {
        let podmanStepCount = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 50 : 50
        if which == "podman-step" || which == "all" { try await benchmarkPodmanStep(count: podmanStepCount) }
        if which == "podman-start" || which == "all" { try await benchmarkPodmanStart() }
    }
}
