import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import SwiftProtobuf
import Testing

@Suite("Forgejo double: UpdateLog and UpdateTask")
struct DoubleReportingTests {
    @Test("UpdateLog: ack, gap refusal, overlap skip, no_more only with new rows, archived afterwards")
    func updateLog() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let id = try await runner.fetchTask().id

            #expect(try await runner.updateLog(taskID: id, index: 0, rows: ["a", "b"]) == 2)
            #expect(try await runner.updateLog(taskID: id, index: 5, rows: ["gap"]) == 2, "a gap is refused")
            #expect(try await runner.updateLog(taskID: id, index: 1, rows: ["B", "c"]) == 3, "the overlap is skipped")
            #expect(double.task(id)?.logContents == ["a", "b", "c"])
            #expect(try await runner.updateLog(taskID: id, index: 3, rows: [], noMore: true) == 3)
            #expect(try await runner.updateLog(taskID: id, index: 0, rows: ["a", "b", "c"], noMore: true) == 3)
            #expect(double.task(id)?.logFinalized == false, "no_more without new rows is ignored")

            let long = String(repeating: "x", count: 70_000)
            #expect(try await runner.updateLog(taskID: id, index: 3, rows: ["multi\nline", long], noMore: true) == 5)
            let task = try #require(double.task(id))
            #expect(task.logFinalized)
            #expect(task.logContents[3] == "multi\\nline")
            #expect(task.logContents[4].utf8.count == 64 * 1024)
            #expect(task.logLines[0].hasSuffix("Z a"))
            #expect(task.logLines[0].count == "2024-01-01T00:00:00.0000000Z a".count)

            let archived = await #expect(throws: DoubleWireError.self) {
                _ = try await runner.updateLog(taskID: id, index: 5, rows: ["late"])
            }
            #expect(archived?.code == "already_exists")
            #expect(archived?.status == 409)
            #expect(archived?.message == "log file has been archived")
            #expect(try await runner.updateLog(taskID: id, index: 0, rows: ["a"]) == 5, "old rows are still acked")

            let stranger = double.wireRunner(client)
            let foreign = await #expect(throws: DoubleWireError.self) {
                _ = try await stranger.updateLog(taskID: id, index: 5, rows: ["x"])
            }
            #expect(foreign?.code == "internal")
            #expect(foreign?.message == "invalid runner for task")
        }
    }

    @Test("UpdateTask: heartbeat, step copy, outputs first-write-wins, final result, ignore after final")
    func updateTask() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let id = try await runner.fetchTask().id
            let before = try #require(double.task(id)).updatedAt

            try await Task.sleep(for: .milliseconds(20))
            let heartbeat = try await runner.updateTask(id: id, steps: [doubleStepState(0, result: .success, logIndex: 2, logLength: 3),
                                                                          doubleStepState(1, logIndex: 5, logLength: 1)],
                                                        outputs: ["a": "1"])
            #expect(heartbeat.state.id == id)
            #expect(heartbeat.state.result == .unspecified)
            #expect(heartbeat.sentOutputs == ["a"])
            var task = try #require(double.task(id))
            #expect(task.status == .running)
            #expect(task.updatedAt > before)
            #expect(task.steps[0].status == .success)
            #expect(task.steps[0].logIndex == 2 && task.steps[0].logLength == 3)
            #expect(task.steps[0].startedAt == Date(timeIntervalSince1970: 1_700_000_000))
            #expect(task.steps[0].stoppedAt == Date(timeIntervalSince1970: 1_700_000_100))
            #expect(task.steps[1].status == .running)
            #expect(task.steps[2].status == .waiting)

            let longKey = String(repeating: "k", count: 256)
            let bigValue = String(repeating: "v", count: (1 << 20) + 1)
            let second = try await runner.updateTask(id: id, outputs: ["a": "2", "b": "3", longKey: "x", "big": bigValue])
            #expect(second.sentOutputs == ["a", "b"])
            #expect(double.task(id)?.outputs == ["a": "1", "b": "3"])

            var final = Runner_V1_TaskState()
            final.id = id
            final.result = .failure
            final.stoppedAt = Google_Protobuf_Timestamp(seconds: 1_800_000_000)
            final.steps = [doubleStepState(0, result: .success), doubleStepState(1, result: .failure), doubleStepState(2, result: .skipped, started: false)]
            let finished = try await runner.updateTask(final)
            #expect(finished.state.result == .failure)
            task = try #require(double.task(id))
            #expect(task.status == .failure)
            #expect(task.stoppedAt == Date(timeIntervalSince1970: 1_800_000_000))
            #expect(task.steps.map(\.status) == [.success, .failure, .skipped])
            #expect(double.jobs.first?.status == .failure)

            // Already final: the state is ignored (outputs are still stored, as in Forgejo).
            final.result = .success
            final.stoppedAt = Google_Protobuf_Timestamp(seconds: 1_900_000_000)
            let ignored = try await runner.updateTask(final, outputs: ["late": "1"])
            #expect(ignored.state.result == .failure)
            #expect(double.task(id)?.status == .failure)
            #expect(double.task(id)?.stoppedAt == Date(timeIntervalSince1970: 1_800_000_000))

            let unknown = await #expect(throws: DoubleWireError.self) { _ = try await runner.updateTask(id: 4242) }
            #expect(unknown?.code == "internal")
        }
    }

    @Test("A final state without stopped_at is stored as 0")
    func missingStoppedAt() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let id = try await runner.fetchTask().id
            var state = Runner_V1_TaskState()
            state.id = id
            state.result = .success
            _ = try await runner.updateTask(state)
            #expect(double.task(id)?.status == .success)
            #expect(double.task(id)?.stoppedAt == nil)
        }
    }

    @Test("Cancellation reaches the runner through the UpdateTask reply; the log stays open")
    func cancelViaReply() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            let jobs = try double.queue(workflowYAML: DoubleWorkflows.single)
            let id = try await runner.fetchTask().id
            _ = try await runner.updateTask(id: id, steps: [doubleStepState(0)])
            #expect(try double.cancel(taskID: id))
            #expect(try !double.cancel(taskID: id), "already final")
            #expect(double.job(jobs[0])?.status == .cancelled)

            let reply = try await runner.updateTask(id: id, steps: [doubleStepState(0)])
            #expect(reply.state.result == .cancelled)
            #expect(try await runner.updateLog(taskID: id, index: 0, rows: ["still", "accepted"], noMore: true) == 2)
            let final = try await runner.updateTask(id: id, result: .failure)
            #expect(final.state.result == .cancelled)
            let task = try #require(double.task(id))
            #expect(task.status == .cancelled)
            #expect(task.logFinalized)
            #expect(task.steps.allSatisfy { $0.status == .cancelled })
        }
    }

    @Test("Waiting for a task status uses continuations and times out cleanly")
    func waiting() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            async let running = double.waitForTask(status: .running, timeout: .seconds(10))
            async let done = double.waitForTask(status: .success, timeout: .seconds(10))
            let id = try await runner.fetchTask().id
            #expect(try await running.id == id)
            _ = try await runner.updateTask(id: id, result: .success)
            #expect(try await done.status == .success)

            let error = await #expect(throws: DoubleError.self) {
                _ = try await double.waitForTask(id, status: .failure, timeout: .milliseconds(100))
            }
            #expect(error?.kind == .timeout)
        }
    }
}
