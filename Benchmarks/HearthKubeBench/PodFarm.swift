import AsyncHTTPClient
import Engine
import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Kube
import KubePod
import KubeRunner
import KubeTestDouble
import Synchronization

/// The far side of the controller benchmark, in a process of its own so that the controller's
/// memory is measured alone: the Forgejo double with `jobs` queued, the Kubernetes API double
/// running every pod by itself, and a fake agent per running pod that speaks the real channel
/// protocol over HTTP (fetch the job, upload `begin` and a few events, wait, upload the end).
///
/// Talks to the parent over stdin/stdout: prints `READY forgejo=… token=… kube=…`, then `ALLUP`
/// once every agent has had its first upload acknowledged; `release` on stdin lets the agents
/// finish; `stats` prints the API double's counters and ends the process.
enum PodFarm {
    static func run(jobs: Int) async throws {
        let forgejo = ForgejoDouble()
        _ = try await forgejo.start(host: "127.0.0.1", port: 0)
        let workflow = """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: echo hello
            """
        for _ in 0..<jobs { try forgejo.queue(workflowYAML: workflow) }

        var options = KubeDoubleOptions()
        options.autoRunPods = true
        options.bookmarkInterval = nil
        options.historyLimit = max(1000, jobs * 8)
        let kube = try await KubeDouble.start(options: options)

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let release = Gate()
        let farm = Farm(expected: jobs)

        let commands = LineReader.lines(of: FileHandle.standardInput)
        say("READY forgejo=\(forgejo.baseURL) token=\(forgejo.registrationToken) kube=\(kube.url)")

        // The kubelet's part: every running pod with its Secret gets an agent (polled in-process,
        // so the API double sees no requests and no watches but the controller's).
        let kubelet = Task {
            var claimed: Set<String> = []
            while !Task.isCancelled {
                for pod in await kube.objects(.pods, namespace: "default") {
                    guard let name = pod.objectName, !claimed.contains(name), pod[path: "status", "phase"]?.stringValue == "Running",
                        pod[path: "metadata", "deletionTimestamp"] == nil,
                        let secret = await kube.object(.secrets, namespace: "default", name: name),
                        let token = secretValue(secret, key: PodLayout.tokenKey)
                    else { continue }
                    let environment = agentEnvironment(pod)
                    guard let url = environment[PodLayout.controllerURLVariable],
                        let taskID = environment[PodLayout.taskIDVariable].flatMap({ Int64($0) })
                    else { continue }
                    claimed.insert(name)
                    let channel = AgentChannelClient(baseURL: url, taskID: taskID, token: token, http: http)
                    Task { await FakeAgent(channel: channel, farm: farm, release: release).run() }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }

        for await command in commands {
            switch command {
            case "release":
                release.open()
            case "stats":
                kubelet.cancel()
                let creates = kube.requestCount(verb: .create)
                let deletes = kube.requestCount(verb: .delete)
                let writes = creates + deletes + kube.requestCount(verb: .update) + kube.requestCount(verb: .patch)
                let watches = kube.requestCount(verb: .watch)
                let maxWatches = await kube.maxConcurrentWatches
                let logCalls = forgejo.callCount("UpdateLog")
                let taskCalls = forgejo.callCount("UpdateTask")
                let succeeded = forgejo.tasks.filter { $0.result == .success }.count
                say(
                    "STATS creates=\(creates) deletes=\(deletes) writes=\(writes) watchRequests=\(watches) maxConcurrentWatches=\(maxWatches) "
                        + "requests=\(kube.requestCount()) updateLog=\(logCalls) updateTask=\(taskCalls) succeeded=\(succeeded) agentErrors=\(farm.errors)")
                try? await http.shutdown()
                await kube.stop()
                await forgejo.stop()
                return
            default:
                break
            }
        }
    }

    /// One line to the parent, unbuffered.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func secretValue(_ secret: JSONValue, key: String) -> String? {
        if let encoded = secret[path: "data", key]?.stringValue, let data = Data(base64Encoded: encoded) {
            return String(decoding: data, as: UTF8.self)
        }
        return secret[path: "stringData", key]?.stringValue
    }

    static func agentEnvironment(_ pod: JSONValue) -> [String: String] {
        let agent = pod[path: "spec", "containers"]?.arrayValue?.first { $0["name"]?.stringValue == PodLayout.agentContainer }
        var environment: [String: String] = [:]
        for entry in agent?["env"]?.arrayValue ?? [] {
            if let name = entry["name"]?.stringValue, let value = entry["value"]?.stringValue { environment[name] = value }
        }
        return environment
    }
}

/// Counts the agents that are up, and says `ALLUP` once all are.
final class Farm: Sendable {
    let expected: Int
    private let state = Mutex<(up: Int, errors: Int)>((0, 0))

    init(expected: Int) { self.expected = expected }

    func agentUp() {
        let up = state.withLock { state -> Int in
            state.up += 1
            return state.up
        }
        if up == expected {
            PodFarm.say("ALLUP")
        }
    }

    func agentFailed(_ message: String) {
        let count = state.withLock { state -> Int in
            state.errors += 1
            return state.errors
        }
        if count <= 5 { FileHandle.standardError.write(Data("fake agent: \(message)\n".utf8)) }
    }

    var errors: Int { state.withLock { $0.errors } }
}

/// An agent that runs no steps: it tells the controller a one-step job ran, in the records the
/// real agent would send, and holds the job open until released.
struct FakeAgent {
    let channel: AgentChannelClient
    let farm: Farm
    let release: Gate

    func run() async {
        do {
            _ = try await retrying { try await channel.fetchJob() }
            let job = JobKey(jobID: "build", displayName: "build", workflow: "test.yml")
            let step = StepKey(index: 0, id: "1", name: "echo hello")
            let first: [AgentRecord] = [
                .begin(stepCount: 1, stepDebug: false),
                .event(.jobStarted(job, steps: [step], at: Date())),
                .event(.log(job, step: nil, LogLine(kind: .info, text: "Running in a job pod"))),
                .event(.stepStarted(job, step, at: Date())),
                .event(.log(job, step: step, LogLine(kind: .command, text: "echo hello"))),
                .event(.log(job, step: step, LogLine(text: "hello"))),
            ]
            var next = try await upload(from: 0, first)
            farm.agentUp()
            await release.wait()
            let last: [AgentRecord] = [
                .event(.stepFinished(job, step, outcome: .success, conclusion: .success, duration: .milliseconds(5))),
                .event(.jobFinished(job, result: .success, outputs: [:], duration: .seconds(1))),
                .finish(result: .success, message: nil),
            ]
            next = try await upload(from: next, last)
            // As the real agent does: keep asking until the controller has reported the end.
            // A controller that has closed the task may forget it at once (404): also the end.
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                do {
                    if try await retrying({ try await channel.upload(from: next, records: []) }).closed { return }
                } catch AgentChannelClient.Failure.unknownTask {
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            farm.agentFailed("task \(channel.taskID): never closed")
        } catch {
            farm.agentFailed("task \(channel.taskID): \(error)")
        }
    }

    private func upload(from: Int, _ records: [AgentRecord]) async throws -> Int {
        let encoder = JSONEncoder()
        let encoded = try records.map { try encoder.encode($0) }
        let acknowledgement = try await retrying { try await channel.upload(from: from, records: encoded) }
        return acknowledgement.next
    }

    private func retrying<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch AgentChannelClient.Failure.unknownTask {
                throw AgentChannelClient.Failure.unknownTask
            } catch {
                attempt += 1
                if attempt >= 30 { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
