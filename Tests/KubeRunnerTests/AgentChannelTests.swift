import Engine
import Forgejo
import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Testing
@testable import KubeRunner

@Suite("Agent channel: a job's records reach Forgejo through the controller", .serialized)
struct AgentChannelTests {
    static let workflow = """
        on: push
        jobs:
          build:
            runs-on: k8s
            outputs:
              answer: ${{ steps.a.outputs.answer }}
            steps:
              - name: first
                run: echo "one $GREETING"; echo two
                env:
                  GREETING: ${{ secrets.GREETING }}
              - id: a
                run: echo "answer=42" >> "$GITHUB_OUTPUT"
              - name: wait for the go file
                run: |
                  echo waiting
                  while [ ! -e "$RUNNER_TEMP/../go" ]; do sleep 0.05; done
                  echo released
        """

    @Test("records round-trip through their wire form")
    func wireForm() throws {
        let job = JobKey(jobID: "b", displayName: "b (1)", workflow: "w.yml", matrixIndex: 1)
        let step = StepKey(index: 2, id: "s", name: "Step", stage: .post)
        let records: [AgentRecord] = [
            .begin(stepCount: 3, stepDebug: true),
            .event(.jobStarted(job, steps: [step], at: Date(timeIntervalSince1970: 1000.5))),
            .event(.log(job, step: step, LogLine(time: Date(timeIntervalSince1970: 1001), kind: .annotation(.init(level: .warning, message: "m", title: "t", file: "f", line: 3)), text: "m"))),
            .event(.log(job, step: nil, LogLine(time: Date(timeIntervalSince1970: 1002), kind: .groupStart, text: "g"))),
            .event(.stepFinished(job, step, outcome: .failure, conclusion: .success, duration: .milliseconds(1500))),
            .event(.jobFinished(job, result: .success, outputs: ["k": "v"], duration: .seconds(2))),
            .note("hello"),
            .finish(result: .cancelled, message: nil),
        ]
        let decoded = try JSONDecoder().decode([AgentRecord].self, from: JSONEncoder().encode(records))
        #expect(decoded == records)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(AgentRecord.self, from: Data(#"{"kind":"jobStarted"}"#.utf8)) }
    }

    @Test("agent tokens: per task, derived from the runner secret, checked in constant time")
    func tokens() {
        let tokens = AgentTokens(secret: "runner-secret")
        #expect(tokens.accepts(tokens.token(forTask: 7), forTask: 7))
        #expect(!tokens.accepts(tokens.token(forTask: 7), forTask: 8))
        #expect(!AgentTokens(secret: "other").accepts(tokens.token(forTask: 7), forTask: 7))
        #expect(tokens.token(forTask: 7) == AgentTokens(secret: "runner-secret").token(forTask: 7))
        // RFC 4231 test case 2 for the HMAC itself.
        let mac = AgentTokens.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("a job runs in a local pod, survives a controller restart mid-step, and reaches Forgejo whole")
    func restartMidJob() async throws {
        let forgejo = try await ForgejoEnd.start()
        defer { Task { await forgejo.stop() } }
        let tokens = AgentTokens(secret: forgejo.registration.token)
        let jobs = try forgejo.double.queue(workflowYAML: Self.workflow, secrets: ["GREETING": "s3cret-value"])
        let jobID = try #require(jobs.first)
        let reply = try await forgejo.client.fetchTask(tasksVersion: 0, capacity: 1, requestKey: nil, timeout: .seconds(5))
        #expect(reply.hasTask)
        let task = reply.task

        // Controller 1: a session with the job, and its channel.
        let job = AgentJob(
            task: try task.serializedData(), address: forgejo.settings.address, runnerName: "kube-e2e", version: "test", environment: [:],
            cacheURL: nil, jobTimeoutSeconds: 600, terminationGraceSeconds: 2)
        let first = TaskSessions()
        let session = TaskSession(taskID: task.id, job: job, client: forgejo.client, timing: forgejo.settings.reportTiming, logger: ForgejoEnd.quietLogger)
        first.add(session)
        session.markReady()
        let server = AgentChannelServer(sessions: first, tokens: tokens, logger: ForgejoEnd.quietLogger) { _ in nil }
        let port = try await server.start(host: "::", port: 0)

        let pod = try await LocalPod(controllerURL: "http://127.0.0.1:\(port)", taskID: task.id, token: tokens.token(forTask: task.id))
        defer { Task { await pod.remove() } }
        _ = try await forgejo.double.waitForTask(timeout: .seconds(60), description: "the third step waiting") { snapshot in
            snapshot.logContents.contains("waiting")
        }

        // Controller 1 goes away mid-step; controller 2 starts on the same port with no state and
        // adopts the task when the agent calls.
        await server.stop()
        session.detach()
        let second = TaskSessions()
        let adopted = TaskSession(taskID: task.id, job: nil, client: forgejo.client, timing: forgejo.settings.reportTiming, logger: ForgejoEnd.quietLogger)
        let replacement = AgentChannelServer(sessions: second, tokens: tokens, logger: ForgejoEnd.quietLogger) { id in id == task.id ? adopted : nil }
        _ = try await replacement.start(host: "::", port: port)
        defer { Task { await replacement.stop() } }
        #expect(FileManager.default.createFile(atPath: "\(pod.shim.root)/go", contents: nil))

        try await pod.waitUntilDone()
        await adopted.waitUntilClosed()
        let finished = try await forgejo.double.waitForTaskFinished(task.id)
        #expect(finished.result == .success)
        #expect(finished.outputs == ["answer": "42"])
        let rows = finished.logContents
        #expect(rows.contains("one ***"))
        #expect(!rows.joined(separator: "\n").contains("s3cret-value"))
        // Every row once, in order: the replay after the restart stored nothing twice.
        #expect(rows.filter { $0 == "waiting" }.count == 1)
        #expect(rows.filter { $0 == "two" }.count == 1)
        let waiting = try #require(rows.firstIndex(of: "waiting"))
        let released = try #require(rows.firstIndex(of: "released"))
        #expect(waiting < released)
        #expect(finished.steps.map(\.status) == [.success, .success, .success])
        _ = jobID
    }

    @Test("a wrong token is refused and an unknown task is not adopted")
    func refusals() async throws {
        let forgejo = try await ForgejoEnd.start()
        defer { Task { await forgejo.stop() } }
        let tokens = AgentTokens(secret: forgejo.registration.token)
        let server = AgentChannelServer(sessions: TaskSessions(), tokens: tokens, logger: ForgejoEnd.quietLogger) { _ in nil }
        let port = try await server.start(host: "::1", port: 0)
        defer { Task { await server.stop() } }
        let http = HTTPClientForTests.shared
        let wrong = AgentChannelClient(baseURL: "http://[::1]:\(port)", taskID: 5, token: "nope", http: http)
        do {
            _ = try await wrong.fetchJob()
            Issue.record("a wrong token got a job")
        } catch AgentChannelClient.Failure.refused {
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try await wrong.upload(from: 0, records: [])
            Issue.record("a wrong token was accepted")
        } catch AgentChannelClient.Failure.refused {
        } catch {
            Issue.record("unexpected \(error)")
        }
        let right = AgentChannelClient(baseURL: "http://[::1]:\(port)", taskID: 5, token: tokens.token(forTask: 5), http: http)
        do {
            _ = try await right.upload(from: 0, records: [])
            Issue.record("an unknown task was adopted")
        } catch AgentChannelClient.Failure.unknownTask {
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
