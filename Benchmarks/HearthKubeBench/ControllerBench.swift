import Engine
import Forgejo
import ForgejoProtocol
import Foundation
import Kube
import KubePod
import KubeRunner
import Synchronization

/// `kube-controller [jobs]`: the controller with `jobs` tasks in flight at once against the API
/// double (pods run by the double, a fake agent per pod; both doubles in a child process), to
/// count API writes and watch streams per job and the controller's memory per running job.
enum ControllerBench {
    static func run(jobs: Int) async throws {
        let clock = ContinuousClock()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        child.arguments = ["kube-controller-pods", String(jobs)]
        let input = Pipe()
        let output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        var replies = LineReader.lines(of: output.fileHandleForReading).makeAsyncIterator()
        func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
        func expect(_ prefix: String) async throws -> [String: String] {
            while let line = await replies.next() {
                guard line.hasPrefix(prefix) else { continue }
                var fields: [String: String] = [:]
                for field in line.split(separator: " ").dropFirst() {
                    let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { fields[parts[0]] = parts[1] }
                }
                return fields
            }
            throw Bench.Failure("the pod farm ended before saying \(prefix)")
        }

        let ready = try await expect("READY")
        guard let forgejoURL = ready["forgejo"], let registrationToken = ready["token"], let kubeURL = ready["kube"] else {
            throw Bench.Failure("the pod farm's READY line lacks addresses")
        }
        let runner = try await RunnerEnd.register(address: forgejoURL, registrationToken: registrationToken, capacity: jobs, reportInterval: .seconds(1))
        let logger = Bench.logger("kube-bench")
        let kube = try KubeClient(configuration: KubeConfiguration(server: kubeURL), logger: logger)
        var configuration = KubeController.Configuration(
            settings: KubernetesSettings(agentImage: "localhost/hearth:bench", startTimeout: .seconds(600)), namespace: "default",
            runnerID: runner.registration.uuid, labels: runner.settings.backends.labels, daemon: runner.settings, controllerURL: nil,
            agentImage: "localhost/hearth:bench", sweepInterval: .seconds(3600))
        // Finished sessions linger to answer their agents' last poll; short here, so the benchmark
        // can see the memory after they are gone.
        configuration.finishedSessionLinger = .seconds(5)
        let controller = KubeController(
            configuration: configuration, kube: kube, reporting: runner.client, tokens: AgentTokens(secret: runner.registration.token), logger: logger)
        _ = try await controller.start(host: "127.0.0.1", port: 0)
        // Held in a box the benchmark empties once the jobs ended: the tasks (payloads, contexts)
        // are the benchmark's own memory, not the controller's.
        let pending = TaskBox(try await runner.fetchTasks(jobs))

        try await Task.sleep(for: .seconds(2))
        let idle = Bench.residentBytes()
        let started = clock.now
        let results = Tally()
        let executing = Task {
            let tasks = pending.take()
            await withTaskGroup(of: Void.self) { group in
                for task in tasks {
                    group.addTask {
                        let result = await controller.execute(task: task, client: runner.client, cancellation: CancellationSignal())
                        results.add(result)
                    }
                }
            }
        }

        _ = try await expect("ALLUP")
        let allUp = clock.now - started
        // Let every reporter send its rows and a heartbeat before measuring.
        try await Task.sleep(for: .seconds(3))
        let inFlightSessions = controller.sessions.all.count
        let connected = controller.sessions.all.filter(\.agentConnected).count
        let inFlight = Bench.residentBytes()
        let statsInFlight = kube.statistics

        send("release")
        await executing.value
        let total = clock.now - started
        try await Task.sleep(for: .seconds(1))
        let after = Bench.residentBytes()
        // The fake agents exit (as real ones do when their pod ends), closing their connections.
        send("stats")
        let farm = try await expect("STATS")
        child.waitUntilExit()
        // Bounded: the sessions go after their linger; then the memory they held should too.
        for _ in 0..<60 where !controller.sessions.all.isEmpty { try await Task.sleep(for: .seconds(1)) }
        let drainedSessions = controller.sessions.all.count
        try await Task.sleep(for: .seconds(1))
        let drained = Bench.residentBytes()
        await controller.stop()
        await kube.shutdown()
        await runner.shutdown()

        let stats = kube.statistics
        let writesPerJob = Double(stats.totalWrites) / Double(jobs)
        let perJob = Double(inFlight - idle) / Double(jobs)
        let outcome = results.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        let writes = stats.writes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        print("kube-controller: \(jobs) concurrent jobs, API double (autoRunPods) + Forgejo double + fake agents in a child process")
        print(String(format: "  all agents up after %.2f s; all jobs ended after %.2f s; results: %@", Bench.seconds(allUp), Bench.seconds(total), outcome))
        print("  sessions in flight at the memory sample: \(inFlightSessions) (\(connected) with their agent connected)")
        print("  controller API writes: \(stats.totalWrites) (\(writes)) = " + String(format: "%.2f per job (target ≤ 4)", writesPerJob))
        print("  controller API requests: \(stats.requests) (reads \(stats.reads), lists \(stats.lists), retries \(stats.retries)); writes while in flight: \(statsInFlight.totalWrites)")
        print("  watch streams: controller opened \(statsInFlight.watchesOpened) by the memory sample, \(stats.watchesOpened) by its stop; the API double saw at most \(farm["maxConcurrentWatches"] ?? "?") open at once (target: exactly 1)")
        print("  API double counted: writes \(farm["writes"] ?? "?") (create \(farm["creates"] ?? "?"), delete \(farm["deletes"] ?? "?")), requests \(farm["requests"] ?? "?")")
        print("  Forgejo double: UpdateLog \(farm["updateLog"] ?? "?"), UpdateTask \(farm["updateTask"] ?? "?"), tasks succeeded \(farm["succeeded"] ?? "?"); fake agent errors \(farm["agentErrors"] ?? "?")")
        print("  controller RSS: idle \(Bench.mebibytes(idle)), \(jobs) in flight \(Bench.mebibytes(inFlight)), 1 s after the last job \(Bench.mebibytes(after)), after the agents disconnected and the finished sessions expired (\(drainedSessions) left) \(Bench.mebibytes(drained))")
        print(String(format: "  memory per running job: %.1f KiB (target ≤ 1024 KiB)", perJob / 1024))
        print("  load average at the end: \(Bench.loadAverage)")
    }
}

/// Results of the jobs, counted as they end.
final class Tally: Sendable {
    private let state = Mutex<[Conclusion: Int]>([:])

    func add(_ result: Conclusion) { state.withLock { $0[result, default: 0] += 1 } }
    var counts: [Conclusion: Int] { state.withLock { $0 } }
}

/// The fetched tasks, handed over once.
final class TaskBox: @unchecked Sendable {
    private var tasks: [Runner_V1_Task]
    private let lock = NSLock()
    init(_ tasks: [Runner_V1_Task]) { self.tasks = tasks }
    func take() -> [Runner_V1_Task] {
        lock.lock()
        defer { tasks = []; lock.unlock() }
        return tasks
    }
}
