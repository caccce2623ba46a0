import Engine
@testable import Forgejo
import ForgejoProtocol
import Foundation
import Synchronization
import Testing

/// A server side that records what the reporter sends and can be told to fail.
final class RecordingReportClient: TaskReportingClient {
    struct Calls {
        var logs: [(index: Int64, rows: [String], noMore: Bool)] = []
        var states: [Runner_V1_TaskState] = []
        var outputs: [[String: String]] = []
        var stored: [String] = []
        var failuresLeft = 0
        var serverResult: Runner_V1_Result = .unspecified
        var ackCap: Int64?
    }

    let calls = Mutex(Calls())

    func reportLog(taskID: Int64, index: Int64, rows: [Runner_V1_LogRow], noMore: Bool) async throws -> Int64 {
        try calls.withLock { calls in
            if calls.failuresLeft > 0 {
                calls.failuresLeft -= 1
                throw TransportError(kind: .connectionFailed, message: "connection refused")
            }
            let stored = Int64(calls.stored.count)
            // The server algorithm of §3.7: skip the overlap, refuse gaps.
            guard index <= stored, index + Int64(rows.count) > stored else { return stored }
            var fresh = rows.dropFirst(Int(stored - index)).map(\.content)
            if let cap = calls.ackCap { fresh = Array(fresh.prefix(max(0, Int(cap - stored)))) }
            calls.stored += fresh
            calls.logs.append((index, rows.map(\.content), noMore))
            return Int64(calls.stored.count)
        }
    }

    func reportState(_ state: Runner_V1_TaskState, outputs: [String: String]) async throws -> (result: Runner_V1_Result, sentOutputs: [String]) {
        calls.withLock { calls in
            calls.states.append(state)
            calls.outputs.append(outputs)
            return (calls.serverResult, Array(outputs.keys))
        }
    }
}

@Suite("Reporter: log layout and reporting")
struct TaskReporterTests {
    let job = JobKey(jobID: "build", displayName: "build", workflow: "ci.yml")

    func step(_ index: Int, stage: StepKey.Stage = .main) -> StepKey {
        StepKey(index: index, id: "s\(index)", name: "step \(index)", stage: stage)
    }

    func line(_ text: String) -> LogLine { LogLine(kind: .output, text: text) }

    @Test("each step's rows form one block in step order; rows of other steps are dropped while one runs")
    func layout() async {
        let client = RecordingReportClient()
        let reporter = TaskReporter(taskID: 7, stepCount: 3, client: client, timing: ReportTiming(interval: .seconds(3600)), cancellation: CancellationSignal())
        reporter.receive(.jobStarted(job, steps: [step(0), step(1), step(2)], at: Date()))
        reporter.note("set up")
        reporter.receive(.log(job, step: step(0, stage: .pre), line("pre output")))
        reporter.receive(.stepStarted(job, step(0), at: Date()))
        reporter.receive(.log(job, step: step(0), line("a1")))
        reporter.receive(.log(job, step: nil, line("stray job line")))
        reporter.receive(.log(job, step: step(0), line("a2")))
        reporter.receive(.stepFinished(job, step(0), outcome: .success, conclusion: .success, duration: .zero))
        reporter.receive(.stepFinished(job, step(1), outcome: .skipped, conclusion: .skipped, duration: .zero))
        reporter.receive(.stepStarted(job, step(2), at: Date()))
        reporter.receive(.log(job, step: step(2), LogLine(kind: .groupStart, text: "G")))
        reporter.receive(.log(job, step: step(2), LogLine.error("bad")))
        reporter.receive(.log(job, step: step(2), LogLine(kind: .groupEnd, text: "")))
        reporter.receive(.stepFinished(job, step(2), outcome: .failure, conclusion: .failure, duration: .zero))
        reporter.receive(.log(job, step: step(0, stage: .post), line("post output")))
        reporter.receive(.jobFinished(job, result: .failure, outputs: [:], duration: .zero))
        #expect(await reporter.close())

        let calls = client.calls.withLock { $0 }
        #expect(calls.stored == ["set up", "pre output", "a1", "a2", "##[group]G", "::error::bad", "##[endgroup]", "post output", "Job failure"])
        let final = try! #require(calls.states.last)
        #expect(final.result == .failure)
        #expect(final.hasStoppedAt)
        #expect(final.steps.map(\.logIndex) == [2, 4, 4])
        #expect(final.steps.map(\.logLength) == [2, 0, 3])
        #expect(final.steps.map(\.result) == [.success, .skipped, .failure])
        #expect(calls.logs.last?.noMore == true)
    }

    @Test("rows are kept until acknowledged: a failing server loses nothing, partial acks resend the rest")
    func retries() async {
        let client = RecordingReportClient()
        client.calls.withLock {
            $0.failuresLeft = 2
            $0.ackCap = 2
        }
        let reporter = TaskReporter(
            taskID: 1, stepCount: 1, client: client, timing: ReportTiming(interval: .seconds(3600), maxRetries: 10, initialDelay: .milliseconds(1)),
            cancellation: CancellationSignal())
        reporter.receive(.jobStarted(job, steps: [step(0)], at: Date()))
        reporter.receive(.stepStarted(job, step(0), at: Date()))
        for index in 0..<5 { reporter.receive(.log(job, step: step(0), line("row \(index)"))) }
        #expect(await reporter.flush(final: false) == false)  // connection refused
        client.calls.withLock { $0.ackCap = nil }
        reporter.receive(.stepFinished(job, step(0), outcome: .success, conclusion: .success, duration: .zero))
        reporter.receive(.jobFinished(job, result: .success, outputs: ["v": "1"], duration: .zero))
        #expect(await reporter.close())
        let calls = client.calls.withLock { $0 }
        #expect(calls.stored == (0..<5).map { "row \($0)" } + ["Job succeeded"])
        #expect(calls.states.last?.result == .success)
        #expect(calls.outputs.last == ["v": "1"])
    }

    @Test("a CANCELLED result in the server's reply cancels the running job")
    func cancellationFromServer() async {
        let client = RecordingReportClient()
        client.calls.withLock { $0.serverResult = .cancelled }
        let signal = CancellationSignal()
        let reporter = TaskReporter(taskID: 1, stepCount: 1, client: client, timing: ReportTiming(interval: .seconds(3600)), cancellation: signal)
        reporter.receive(.jobStarted(job, steps: [step(0)], at: Date()))
        _ = await reporter.flush(final: false)
        #expect(signal.isCancelled)
    }

    @Test("the log buffer spills to disk past its memory limit and gives every row back in order")
    func spill() {
        var buffer = LogBuffer(memoryLimit: 1_000)
        let rows = (0..<500).map { index -> Runner_V1_LogRow in
            var row = Runner_V1_LogRow()
            row.content = "row \(index) " + String(repeating: "x", count: 40)
            return row
        }
        buffer.append(rows)
        var received: [String] = []
        while !buffer.isEmpty {
            let batch = buffer.nextBatch(maxRows: 37, maxBytes: 10_000)
            received += batch.rows.map(\.content)
            buffer.acknowledge(batch.index + Int64(batch.rows.count))
        }
        #expect(received == rows.map(\.content))
        #expect(buffer.acknowledged == 500)
    }
}
