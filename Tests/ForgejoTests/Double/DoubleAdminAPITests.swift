import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Testing

@Suite("Forgejo double: admin API")
struct DoubleAdminAPITests {
    @Test("Queue a run, inspect jobs and tasks, cancel, read the log over /_double/")
    func adminFlow() async throws {
        try await withDouble { double, client in
            let (summary, summaryStatus) = try await client.admin("")
            #expect(summaryStatus == 200)
            #expect((summary as? [String: Any])?["registration_token"] as? String == double.registrationToken)
            let (token, _) = try await client.admin("registration-token")
            #expect((token as? [String: Any])?["token"] as? String == double.registrationToken)

            let (queued, status) = try await client.admin("runs?event=workflow_dispatch&file=.forgejo/workflows/a.yml&secret=K=v=1&var=X=y",
                                                           method: "POST", body: Data(DoubleWorkflows.needs.utf8))
            #expect(status == 200)
            let jobIDs = try #require((queued as? [String: Any])?["job_ids"] as? [Int])
            #expect(jobIDs == [1, 2, 3])

            let runner = try await client.register(token: double.registrationToken)
            let task = try await runner.fetchTask()
            #expect(task.context.fields["event_name"]?.stringValue == "workflow_dispatch")
            #expect(task.secrets["K"] == "v=1")
            #expect(task.vars["X"] == "y")
            _ = try await runner.updateLog(taskID: task.id, index: 0, rows: ["hello", "world"])
            _ = try await runner.updateTask(id: task.id, steps: [doubleStepState(0, logIndex: 0, logLength: 2)], outputs: ["o": "1"])

            let (taskJSON, _) = try await client.admin("tasks/\(task.id)")
            let object = try #require(taskJSON as? [String: Any])
            #expect(object["status"] as? String == "running")
            #expect((object["outputs"] as? [String: String]) == ["o": "1"])
            #expect((object["log_rows"] as? [[String: Any]])?.count == 2)
            #expect(((object["steps"] as? [[String: Any]])?.first?["log_length"] as? Int) == 2)

            let (log, _) = try await client.admin("tasks/\(task.id)/log")
            #expect((log as? String)?.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" } == ["hello", "world"])

            let (jobs, _) = try await client.admin("jobs")
            #expect((jobs as? [[String: Any]])?.count == 3)
            let (cancelled, _) = try await client.admin("tasks/\(task.id)/cancel", method: "POST")
            #expect((cancelled as? [String: Any])?["cancelled"] as? Bool == true)
            #expect(try await runner.updateTask(id: task.id).state.result == .cancelled)

            let (_, missing) = try await client.admin("tasks/999")
            #expect(missing == 404)
            let (bad, badStatus) = try await client.admin("runs", method: "POST", body: Data("not: [a workflow".utf8))
            #expect(badStatus == 400)
            #expect((bad as? [String: Any])?["error"] != nil)
        }
    }
}
