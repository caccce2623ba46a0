import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Testing

@Suite("Forgejo double: needs")
struct DoubleDependencyTests {
    @Test("Dependents wait until their needs succeed and receive the needs' outputs and results")
    func needsPropagation() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let ids = try double.queue(workflowYAML: DoubleWorkflows.needs)
            #expect(double.jobs.map(\.status) == [.waiting, .blocked, .blocked])
            #expect(double.job(ids[2])?.hasCondition == true)

            let build = try await runner.fetchTask()
            #expect(double.task(build.id)?.jobID == ids[0])
            #expect(try await !runner.fetch(version: 0).hasTask, "blocked jobs are not picked")
            let version = double.tasksVersion
            _ = try await runner.updateTask(id: build.id, result: .success, outputs: ["version": "1.2.3"])
            #expect(double.job(ids[1])?.status == .waiting)
            #expect(double.job(ids[2])?.status == .waiting)
            #expect(double.tasksVersion > version)

            let response = try await runner.fetch(version: version, capacity: 2)
            let tasks = [response.task] + response.additionalTasks
            #expect(tasks.count == 2)
            for task in tasks {
                let need = try #require(task.needs["build"])
                #expect(need.result == .success)
                #expect(need.outputs == ["version": "1.2.3"])
            }
        }
    }

    @Test("A failed need skips dependents without if:, and lets jobs with if: run")
    func failedNeed() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let ids = try double.queue(workflowYAML: DoubleWorkflows.needs)
            let build = try await runner.fetchTask()
            _ = try await runner.updateTask(id: build.id, result: .failure)
            #expect(double.job(ids[1])?.status == .skipped)
            #expect(double.job(ids[2])?.status == .waiting)
            let cleanup = try await runner.fetchTask()
            #expect(cleanup.needs["build"]?.result == .failure)
            #expect(double.task(cleanup.id)?.jobID == ids[2])
        }
    }

    @Test("Matrix needs: the dependent waits for every combination; results aggregate, outputs merge")
    func matrixNeeds() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let ids = try double.queue(workflowYAML: """
                on: push
                jobs:
                  test:
                    runs-on: docker
                    strategy:
                      matrix:
                        n: [1, 2]
                    steps: [ { run: echo } ]
                  report:
                    needs: test
                    runs-on: docker
                    steps: [ { run: echo } ]
                """)
            #expect(double.jobs.map(\.name) == ["test (1)", "test (2)", "report"])
            let first = try await runner.fetchTask()
            let second = try await runner.fetchTask()
            _ = try await runner.updateTask(id: first.id, result: .success, outputs: ["a": "", "b": "first"])
            #expect(double.job(ids[2])?.status == .blocked)
            _ = try await runner.updateTask(id: second.id, result: .success, outputs: ["a": "second"])
            let report = try await runner.fetchTask()
            #expect(report.needs["test"]?.result == .success)
            #expect(report.needs["test"]?.outputs == ["a": "second", "b": "first"])
        }
    }

    @Test("Cancelling a waiting job cancels it; its dependents are skipped")
    func cancelWaitingJob() async throws {
        let double = ForgejoDouble()
        let ids = try double.queue(workflowYAML: DoubleWorkflows.needs)
        #expect(try double.cancel(jobID: ids[0]))
        #expect(double.job(ids[0])?.status == .cancelled)
        #expect(double.job(ids[1])?.status == .skipped)
        #expect(double.job(ids[2])?.status == .waiting)
    }
}
