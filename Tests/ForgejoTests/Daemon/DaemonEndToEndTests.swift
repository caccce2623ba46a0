import Backends
import Engine
import Forgejo
import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import Logging
import Testing

/// The real daemon against the Forgejo double over loopback.
struct DaemonHarness {
    let double: ForgejoDouble
    let daemon: RunnerDaemon
    let connection: ConnectClient
    let shutdown = CancellationSignal()
    let readiness: Readiness
    let workdir: String

    static func start(
        labels: [String] = ["debian:host"], capacity: Int = 2, host: String = "127.0.0.1", shutdownTimeout: Duration = .zero,
        podman: PodmanAccess? = nil
    ) async throws -> DaemonHarness {
        let double = ForgejoDouble()
        _ = try await double.start(host: host, port: 0)
        let registration = try await Registrar.register(
            address: double.baseURL, token: double.registrationToken, name: "e2e", labels: labels, version: "test",
            pingAttempts: 3, pingInterval: .milliseconds(100))
        let connection = try ConnectClient(address: registration.address, uuid: registration.uuid, token: registration.token, timeout: .seconds(10))
        let workdir = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-e2e-\(UUID().uuidString.prefix(8))").path
        let parsed = RunnerLabel.parseAll(registration.labels).labels
        let settings = DaemonSettings(
            version: "test", address: registration.address, runnerName: registration.name, capacity: capacity,
            fetchInterval: .milliseconds(50), fetchTimeout: .seconds(5),
            reportTiming: ReportTiming(interval: .milliseconds(100), maxRetries: 20, initialDelay: .milliseconds(50), maxDelay: .seconds(1)),
            shutdownTimeout: shutdownTimeout, terminationGrace: .seconds(2), workdirParent: workdir, actionCache: workdir + "/actions",
            backends: BackendSelection(labels: parsed, workdirParent: workdir, podman: podman))
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        let readiness = Readiness()
        let harness = DaemonHarness(
            double: double,
            daemon: RunnerDaemon(settings: settings, client: RunnerClient(connection: connection), metrics: RunnerMetrics(), readiness: readiness, logger: logger),
            connection: connection, readiness: readiness, workdir: workdir)
        return harness
    }

    /// Runs the daemon while `body` runs, then shuts it down and waits for it.
    func run(_ body: () async throws -> Void) async throws {
        let running = Task { try await daemon.run(shutdown: shutdown) }
        do {
            try await body()
        } catch {
            shutdown.cancel(reason: "test over")
            _ = try? await running.value
            await stop()
            throw error
        }
        shutdown.cancel(reason: "test over")
        try await running.value
        await stop()
    }

    func stop() async {
        try? await connection.shutdown()
        await double.stop()
        try? FileManager.default.removeItem(atPath: workdir)
    }

    /// Waits until a task's log contains `text` (the double wakes waiters on every change).
    func waitForLog(_ text: String, timeout: Duration = .seconds(30)) async throws -> TaskSnapshot {
        try await double.waitForTask(timeout: timeout, description: "a log containing '\(text)'") { task in
            task.logContents.contains { $0.contains(text) }
        }
    }
}

@Suite("Daemon end to end against the Forgejo double", .serialized)
struct DaemonEndToEndTests {
    @Test("a multi-step job: one contiguous block of rows per step, in order; outputs; masking")
    func multiStepJob() async throws {
        let harness = try await DaemonHarness.start()
        try await harness.run {
            let jobs = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  build:
                    runs-on: debian
                    outputs:
                      version: ${{ steps.v.outputs.version }}
                    steps:
                      - name: first
                        run: echo one; echo two
                      - name: quiet
                        run: "true"
                      - id: v
                        run: |
                          echo "version=1.2.3" >> "$GITHUB_OUTPUT"
                          echo "secret is $S"
                        env:
                          S: ${{ secrets.MY_SECRET }}
                      - if: failure()
                        run: echo never
                """, secrets: ["MY_SECRET": "p4ssw0rd-value"])
            let job = try #require(jobs.first)
            let snapshot = try await harness.double.waitForJob(job, status: .success, timeout: .seconds(60))
            let taskID = try #require(snapshot.taskID)
            _ = try await harness.double.waitForLogFinalized(taskID: taskID)
            let finished = try await harness.double.waitForTaskFinished(taskID)
            #expect(finished.result == .success)
            #expect(finished.outputs == ["version": "1.2.3"])
            let rows = finished.logContents
            #expect(!rows.joined(separator: "\n").contains("p4ssw0rd-value"))
            #expect(rows.contains("secret is ***"))
            // The layout invariants of §3.6.
            let steps = finished.steps
            #expect(steps.map(\.status) == [.success, .success, .success, .skipped])
            var expectedIndex = steps[0].logIndex
            for step in steps {
                #expect(step.logIndex == expectedIndex, "step \(step.index) does not start where the previous ended")
                expectedIndex = step.logIndex + step.logLength
            }
            let first = rows[Int(steps[0].logIndex)..<Int(steps[0].logIndex + steps[0].logLength)]
            #expect(Array(first) == ["one", "two"])
            #expect(steps[1].logLength == 0)
            #expect(steps[0].logIndex > 0, "set-up rows come first")
        }
    }

    @Test("a job using needs outputs gets them from the task")
    func needsOutputs() async throws {
        let harness = try await DaemonHarness.start()
        try await harness.run {
            let jobs = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  produce:
                    runs-on: debian
                    outputs:
                      color: ${{ steps.c.outputs.color }}
                    steps:
                      - id: c
                        run: echo "color=blue" >> "$GITHUB_OUTPUT"
                  consume:
                    needs: produce
                    runs-on: debian
                    steps:
                      - run: echo "got ${{ needs.produce.outputs.color }} (${{ needs.produce.result }})"
                """)
            let finished = try await harness.double.waitForJobsFinished(jobs, timeout: .seconds(60))
            #expect(finished.map(\.status) == [.success, .success])
            let consumerID = try #require(finished[1].taskID)
            let consumer = try #require(harness.double.task(consumerID))
            #expect(consumer.logContents.contains("got blue (success)"))
        }
    }

    @Test("cancel mid-step: the step is stopped, always() steps run, the task ends cancelled with its log")
    func cancelMidStep() async throws {
        let harness = try await DaemonHarness.start()
        try await harness.run {
            _ = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  long:
                    runs-on: debian
                    steps:
                      - run: |
                          trap 'echo got-term; exit 143' TERM
                          echo ready-to-cancel
                          for i in $(seq 1 1200); do sleep 0.05; done
                      - if: always()
                        run: echo cleanup-ran
                """)
            let running = try await harness.waitForLog("ready-to-cancel")
            #expect(try harness.double.cancel(taskID: running.id))
            _ = try await harness.double.waitForLogFinalized(taskID: running.id, timeout: .seconds(60))
            let finished = try await harness.double.waitForTaskFinished(running.id, timeout: .seconds(60))
            #expect(finished.result == .cancelled)
            #expect(finished.logContents.contains("got-term"))
            #expect(finished.logContents.contains("cleanup-ran"))
        }
    }

    @Test("the server restarting mid-job loses no log row and the job still succeeds")
    func serverRestart() async throws {
        let harness = try await DaemonHarness.start()
        let marker = harness.workdir + "-marker"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try await harness.run {
            _ = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  survive:
                    runs-on: debian
                    steps:
                      - run: |
                          echo before-restart
                          for i in $(seq 1 600); do test -f "\(marker)" && break; echo waiting-$i; sleep 0.05; done
                          echo after-restart
                """)
            let task = try await harness.waitForLog("before-restart")
            _ = try await harness.double.restart(downtime: .milliseconds(700))
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
            _ = try await harness.double.waitForLogFinalized(taskID: task.id, timeout: .seconds(60))
            let finished = try await harness.double.waitForTaskFinished(task.id, timeout: .seconds(60))
            #expect(finished.result == .success)
            let rows = finished.logContents
            let before = try #require(rows.firstIndex(of: "before-restart"))
            let after = try #require(rows.firstIndex(of: "after-restart"))
            #expect(before < after)
            // Every waiting-N line between them, without a gap.
            let waiting = rows[before..<after].filter { $0.hasPrefix("waiting-") }
            #expect(waiting == (1...waiting.count).map { "waiting-\($0)" })
        }
    }

    @Test("UpdateLog and UpdateTask failures (502, garbage) are retried; nothing is lost")
    func faults() async throws {
        let harness = try await DaemonHarness.start()
        harness.double.failNext(3, method: "UpdateLog", with: .badGateway)
        harness.double.failNext(2, method: "UpdateTask", with: .garbageBody)
        try await harness.run {
            let jobs = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  j:
                    runs-on: debian
                    steps:
                      - run: for i in 1 2 3 4 5; do echo line-$i; done
                """)
            let job = try #require(jobs.first)
            let snapshot = try await harness.double.waitForJob(job, status: .success, timeout: .seconds(60))
            let taskID = try #require(snapshot.taskID)
            let task = try await harness.double.waitForLogFinalized(taskID: taskID)
            #expect(task.logContents.filter { $0.hasPrefix("line-") } == (1...5).map { "line-\($0)" })
        }
    }

    @Test("SIGTERM-style shutdown: fetching stops, a running task past shutdown_timeout is cancelled and reported")
    func shutdownCancelsRunningTasks() async throws {
        let harness = try await DaemonHarness.start(shutdownTimeout: .milliseconds(300))
        _ = try harness.double.queue(workflowYAML: """
            on: push
            jobs:
              long:
                runs-on: debian
                steps:
                  - run: echo started-long; for i in $(seq 1 1200); do sleep 0.05; done
                  - if: always()
                    run: echo cleanup-after-shutdown
            """)
        let running = Task { try await harness.daemon.run(shutdown: harness.shutdown) }
        let task = try await harness.waitForLog("started-long")
        let fetchesBefore = harness.double.callCount("FetchTask")
        harness.shutdown.cancel(reason: "SIGTERM")
        try await running.value
        let finished = try #require(harness.double.task(task.id))
        #expect(finished.result == .cancelled)
        #expect(finished.logFinalized)
        #expect(finished.logContents.contains("cleanup-after-shutdown"))
        #expect(harness.double.callCount("FetchTask") <= fetchesBefore + 1, "fetching goes on after shutdown")
        await harness.stop()
    }

    @Test("credentials gone: the daemon stops fetching with one error and returns; readiness turns false")
    func credentialsGone() async throws {
        let harness = try await DaemonHarness.start()
        let running = Task { try await harness.daemon.run(shutdown: harness.shutdown) }
        _ = try await harness.double.wait(timeout: .seconds(30), for: "a first fetch") { snapshot in
            snapshot.runners.first?.lastOnline
        }
        let uuid = try #require(harness.double.runners.first?.uuid)
        harness.double.deleteRunner(uuid: uuid)
        try await running.value
        #expect(!harness.readiness.state.ready)
        #expect(harness.readiness.state.reason.contains("credentials"))
        await harness.stop()
    }

    @Test("a docker:// label runs the task's job in a Podman pod of the label's image, Docker actions beside it")
    func dockerLabel() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/podman"), "podman is needed: run ../shared/ci/container-setup.sh")
        let access = PodmanAccess(host: nil, options: PodmanEnvironmentOptions())
        let harness = try await DaemonHarness.start(labels: ["busy:docker://localhost/busybox:test"], podman: access)
        try await harness.run {
            let jobs = try harness.double.queue(workflowYAML: """
                on: push
                jobs:
                  boxed:
                    runs-on: busy
                    steps:
                      - run: test -x /bin/busybox && test ! -e /opt/swift && echo "inside busybox at $GITHUB_WORKSPACE"
                      - uses: docker://localhost/busybox:test
                        with:
                          entrypoint: /bin/sh
                          args: -c "echo docker step sees $INPUT_WORD in $(pwd)"
                          word: hello
                """)
            let job = try #require(jobs.first)
            let snapshot = try await harness.double.waitForJob(job, status: .success, timeout: .seconds(120))
            let taskID = try #require(snapshot.taskID)
            let task = try await harness.double.waitForLogFinalized(taskID: taskID)
            #expect(task.logContents.contains { $0.hasPrefix("inside busybox at ") })
            #expect(task.logContents.contains { $0.hasPrefix("docker step sees hello in /") }, "\(task.logContents)")
        }
        await access.close()
    }
}
