import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Testing

@Suite("Forgejo double: FetchTask and FetchSingleTask")
struct DoubleFetchTests {
    @Test("tasks_version: never 0, an equal version skips the job search, a task resets the client to 0")
    func tasksVersion() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let first = try await runner.fetch(version: 0)
            #expect(!first.hasTask)
            #expect(first.tasksVersion == 1)
            #expect(double.pickQueryCount == 1)

            let idle = try await runner.fetch(version: 1)
            #expect(!idle.hasTask)
            #expect(idle.tasksVersion == 1)
            #expect(double.pickQueryCount == 1, "an equal version must not search for jobs")

            try double.queue(workflowYAML: DoubleWorkflows.single)
            #expect(double.tasksVersion == 2)
            let assigned = try await runner.fetch(version: 1)
            #expect(assigned.hasTask)
            #expect(assigned.tasksVersion == 2)
            #expect(double.pickQueryCount == 2)

            // The client resets to 0 after a task: the server searches again, finds nothing.
            let after = try await runner.fetch(version: 0)
            #expect(!after.hasTask)
            #expect(double.pickQueryCount == 3)

            // A final result bumps the version.
            _ = try await runner.updateTask(id: assigned.task.id, result: .success)
            #expect(double.tasksVersion == 3)
        }
    }

    @Test("A job goes to a runner only when every runs-on label is one of its labels")
    func labelSubset() async throws {
        try await withDouble { double, client in
            try double.queue(workflowYAML: """
                on: push
                jobs:
                  build:
                    runs-on: [docker, linux]
                    steps:
                      - run: echo hi
                """)
            let partial = double.wireRunner(client, labels: ["docker"])
            let none = double.wireRunner(client, labels: [])
            let full = double.wireRunner(client, labels: ["linux", "extra", "docker"])
            #expect(try await !partial.fetch().hasTask)
            #expect(try await !none.fetch().hasTask)
            let task = try await full.fetchTask()
            #expect(double.task(task.id)?.runnerID == full.credentials.id)
            #expect(double.jobs.first?.runsOn == ["docker", "linux"])
            #expect(double.jobs.first?.status == .running)
        }
    }

    @Test("Request key: the same key recovers the same task with new tokens; a new key gets nothing")
    func requestKeyRecovery() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let key = UUID().uuidString
            let first = try await runner.fetch(version: 0, requestKey: key)
            #expect(first.hasTask)
            #expect(first.tasksVersion == 1)
            let firstToken = first.task.secrets["GITHUB_TOKEN"]
            #expect(double.task(first.task.id)?.requestKey == key)

            let again = try await runner.fetch(version: 0, requestKey: key)
            #expect(again.hasTask)
            #expect(again.task.id == first.task.id)
            #expect(again.tasksVersion == 0, "recovered tasks come with tasks_version 0")
            let newToken = try #require(again.task.secrets["GITHUB_TOKEN"])
            #expect(newToken != firstToken)
            #expect(again.task.secrets["FORGEJO_TOKEN"] == newToken)
            #expect(again.task.context.fields["token"]?.stringValue == newToken)
            #expect(double.task(first.task.id)?.token == newToken)
            #expect(double.tasks.count == 1)

            // Another runner cannot recover it with the same key.
            let other = double.wireRunner(client)
            #expect(try await !other.fetch(version: 0, requestKey: key).hasTask)

            let fresh = try await runner.fetch(version: 0, requestKey: UUID().uuidString)
            #expect(!fresh.hasTask)
        }
    }

    @Test("task_capacity fills additional_tasks; FetchSingleTask picks by handle and recovers one task only")
    func capacityAndHandles() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let jobs = try double.queue(workflowYAML: """
                on: push
                jobs:
                  a: { runs-on: docker, steps: [ { run: echo a } ] }
                  b: { runs-on: docker, steps: [ { run: echo b } ] }
                  c: { runs-on: docker, steps: [ { run: echo c } ] }
                  d: { runs-on: docker, steps: [ { run: echo d } ] }
                """)
            #expect(jobs.count == 4)
            let key = UUID().uuidString
            let many = try await runner.fetch(version: 0, requestKey: key, capacity: 2)
            #expect(many.hasTask)
            #expect(many.additionalTasks.count == 1)
            #expect(many.additionalTasks[0].id != many.task.id)

            let single = await #expect(throws: DoubleWireError.self) {
                _ = try await runner.fetchSingle(requestKey: key)
            }
            #expect(single?.code == "internal")
            #expect(single?.message == "cannot recover 2 tasks because runner requested only one")

            let wanted = try #require(double.job(jobs[3]))
            let byHandle = try await runner.fetchSingle(handle: wanted.handle)
            #expect(byHandle.hasTask)
            #expect(double.task(byHandle.task.id)?.jobID == jobs[3])
            let missing = try await runner.fetchSingle(handle: UUID().uuidString)
            #expect(!missing.hasTask)
        }
    }

    @Test("Ephemeral runners get one task and are deleted when it ends")
    func ephemeral() async throws {
        try await withDouble { double, client in
            let runner = try await client.register(token: double.registrationToken, ephemeral: true)
            #expect(double.runners.first?.ephemeral == true)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let task = try await runner.fetchTask()
            #expect(try await !runner.fetch(version: 0).hasTask)
            let reply = try await runner.updateTask(id: task.id, result: .success)
            #expect(reply.state.result == .success)
            let gone = await #expect(throws: DoubleWireError.self) { _ = try await runner.fetch() }
            #expect(gone?.code == "unauthenticated")
            #expect(double.runners.isEmpty)
        }
    }
}
