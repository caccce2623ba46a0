import ForgejoProtocol
import ForgejoTestDouble
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("Forgejo double: faults, restarts, reapers")
struct DoubleRobustnessTests {
    @Test("Injected faults: Connect codes, a proxy's 502 page, garbage, then normal service")
    func faults() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            double.failNext(1, method: "FetchTask", with: .connectError(.unavailable))
            double.failNext(1, method: "FetchTask", with: .badGateway)
            double.failNext(1, method: "runner.v1.RunnerService/FetchTask", with: .garbageBody)

            let unavailable = await #expect(throws: DoubleWireError.self) { _ = try await runner.fetch() }
            #expect(unavailable?.status == 503)
            #expect(unavailable?.code == "unavailable")

            let gateway = await #expect(throws: DoubleWireError.self) { _ = try await runner.fetch() }
            #expect(gateway?.status == 502)
            #expect(gateway?.code == "")
            #expect(gateway?.contentType == "text/html")
            #expect(gateway?.message.contains("502 Bad Gateway") == true)

            await #expect(throws: (any Error).self) { _ = try await runner.fetch() }
            #expect(double.callCount("FetchTask") == 0, "faulted calls never reach the handler")

            let normal = try await runner.fetch()
            #expect(normal.tasksVersion == 1)
            #expect(double.callCount("FetchTask") == 1)
        }
    }

    @Test("A reply lost after processing is recovered with the same request key")
    func lostReply() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let key = UUID().uuidString
            double.failNext(1, method: "FetchTask", with: .dropAfterProcessing)
            await #expect(throws: (any Error).self) { _ = try await runner.fetch(requestKey: key) }
            #expect(double.jobs.first?.status == .running, "the task was assigned although the reply was lost")

            let recovered = try await runner.fetch(requestKey: key)
            #expect(recovered.hasTask)
            #expect(recovered.task.id == double.tasks.first?.id)
        }
    }

    @Test("A dropped connection, and a delay beyond the client timeout that is still processed")
    func dropAndDelay() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            double.failNext(1, method: "FetchTask", with: .dropConnection)
            await #expect(throws: (any Error).self) { _ = try await runner.fetch() }
            #expect(double.callCount("FetchTask") == 0)
            _ = try await runner.fetch()
            #expect(double.callCount("FetchTask") == 1)

            // A client with a short timeout, warmed up so its connection exists before the delayed call.
            // Generous numbers: a loaded 2-core CI machine can take seconds to serve a plain call.
            let impatient = DoubleWireRunner(client: DoubleWireClient(baseURL: double.baseURL, timeout: 4),
                                             credentials: runner.credentials)
            _ = try await impatient.declare(labels: ["docker"])
            double.failNext(1, method: "Declare", with: .delay(.seconds(10)))
            await #expect(throws: (any Error).self) { _ = try await impatient.declare(labels: ["late"]) }
            // The server still processes the delayed call after the client gave up.
            let runnerUUID = runner.credentials.uuid
            let declared = try await double.wait(timeout: .seconds(40), for: "the delayed Declare") { snapshot in
                snapshot.runners.first { $0.uuid == runnerUUID && $0.labels == ["late"] }
            }
            #expect(declared.declareCount == 2)
        }
    }

    @Test("restart() keeps state and the port; clients continue with the same credentials")
    func restart() async throws {
        try await withDouble { double, client in
            let runner = try await client.register(token: double.registrationToken)
            let ids = try double.queue(workflowYAML: DoubleWorkflows.single)
            let port = double.address?.port
            try await double.restart()
            #expect(double.address?.port == port)
            let task = try await runner.fetchTask()
            #expect(double.task(task.id)?.jobID == ids[0])
        }
    }

    @Test("Zombie reaper: a task without UpdateTask fails, its log is finalized, late reports are refused")
    func zombieReaper() async throws {
        let configuration = ForgejoDouble.Configuration(zombieTaskTimeout: .seconds(60), reaperInterval: nil)
        try await withDouble(configuration) { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let zombie = try await runner.fetchTask()
            _ = try await runner.updateLog(taskID: zombie.id, index: 0, rows: ["before"])
            #expect(double.runReapers().isEmpty)

            let report = double.runReapers(now: Date().addingTimeInterval(120))
            #expect(report.zombieTasks == [zombie.id])
            let reaped = try #require(double.task(zombie.id))
            #expect(reaped.status == .failure)
            #expect(reaped.logFinalized)
            #expect(reaped.steps.allSatisfy { $0.status == .failure })
            #expect(double.jobs.first?.status == .failure)

            let archived = await #expect(throws: DoubleWireError.self) {
                _ = try await runner.updateLog(taskID: zombie.id, index: 1, rows: ["after"])
            }
            #expect(archived?.code == "already_exists")
            #expect(try await runner.updateTask(id: zombie.id, result: .success).state.result == .failure)
        }
    }

    @Test("Endless and abandoned reapers")
    func endlessAndAbandoned() async throws {
        let configuration = ForgejoDouble.Configuration(zombieTaskTimeout: .seconds(100_000), endlessTaskTimeout: .seconds(60),
                                                        abandonedJobTimeout: .seconds(7200), reaperInterval: nil)
        try await withDouble(configuration) { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let endless = try await runner.fetchTask()
            _ = try await runner.updateTask(id: endless.id)
            let waiting = try double.queue(workflowYAML: DoubleWorkflows.single)

            let report = double.runReapers(now: Date().addingTimeInterval(120))
            #expect(report.endlessTasks == [endless.id])
            #expect(report.zombieTasks.isEmpty)
            #expect(double.task(endless.id)?.logFinalized == true)
            #expect(try await runner.updateTask(id: endless.id).state.result == .failure)

            let late = double.runReapers(now: Date().addingTimeInterval(8000))
            #expect(late.abandonedJobs == waiting)
            #expect(double.job(waiting[0])?.status == .cancelled)
        }
    }

    @Test("The reaper loop runs on its own when an interval is configured")
    func reaperLoop() async throws {
        let configuration = ForgejoDouble.Configuration(zombieTaskTimeout: .milliseconds(200), reaperInterval: .milliseconds(100))
        try await withDouble(configuration) { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let task = try await runner.fetchTask()
            let reaped = try await double.waitForLogFinalized(taskID: task.id, timeout: .seconds(10))
            #expect(reaped.status == .failure)
        }
    }
}
