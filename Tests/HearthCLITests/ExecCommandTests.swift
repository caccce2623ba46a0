import Foundation
import Testing

@Suite("hearth exec")
struct ExecCommandTests {
    @Test("the README example runs and exits 0")
    func readmeExample() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = try await HearthBinary.run(["exec", "-C", root.appendingPathComponent("examples/hello").path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("build produced hello-"))
        #expect(result.stdout.contains("the token is ***"))
        #expect(!result.stdout.contains("s3cr3t-value"))
        #expect(result.stdout.contains("build (linux, 1)"))
        #expect(!result.stdout.contains("build (freebsd, 1)"))
    }

    @Test("exit status is 1 when a job fails, 0 when every job that ran succeeded")
    func exitStatus() async throws {
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  ok:
                    runs-on: host
                    steps: [{run: echo fine}]
                  bad:
                    runs-on: host
                    steps: [{run: exit 4}]
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let all = try await HearthBinary.run(["exec", "-C", repo])
        #expect(all.status == 1)
        #expect(all.stdout.contains("bad"))
        let one = try await HearthBinary.run(["exec", "-C", repo, "-j", "ok"])
        #expect(one.status == 0, "\(one.stdout)\(one.stderr)")
    }

    @Test("every line of a multi-line error carries its job's prefix")
    func multiLineErrorsArePrefixed() async throws {
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  lost:
                    runs-on: host
                    steps: [{uses: ./nowhere}]
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo])
        #expect(result.status == 1)
        let jobLines = result.stdout.split(separator: "\n").prefix { !$0.hasPrefix("Job ") && !$0.isEmpty }
        #expect(jobLines.contains { $0.contains("Can't find 'action.yml'") }, "\(result.stdout)")
        #expect(jobLines.allSatisfy { $0.hasPrefix("[lost]") }, "\(result.stdout)")
    }

    @Test("--secret, --env, --var, --input, --event-path and -E reach the job")
    func flags() async throws {
        let repo = try HearthBinary.repository([
            "wf.yml": """
                on:
                  workflow_dispatch:
                    inputs:
                      level: {type: number, default: 1}
                jobs:
                  show:
                    runs-on: host
                    steps:
                      - run: echo "secret=${{ secrets.S }} env=$E var=${{ vars.V }} input=${{ inputs.level }} payload=${{ github.event.custom }} event=${{ github.event_name }}"
                """,
            "event.json": #"{"custom": "from-file"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run([
            "exec", "-C", repo, "-W", "wf.yml", "-E", "workflow_dispatch", "--secret", "S=hidden", "--env", "E=e1",
            "--var", "V=v1", "--input", "level=7", "--event-path", repo + "/event.json",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("secret=*** env=e1 var=v1 input=7 payload=from-file event=workflow_dispatch"))
    }

    @Test("--json prints one event per line")
    func jsonEvents() async throws {
        let repo = try HearthBinary.repository([
            ".github/workflows/a.yml": "on: push\njobs:\n  j:\n    runs-on: host\n    steps:\n      - run: echo hi\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "--json"])
        #expect(result.status == 0)
        let events = result.stdout.split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        #expect(events.count == result.stdout.split(separator: "\n").count)
        #expect(events.contains { $0["event"] as? String == "log" && $0["text"] as? String == "hi" })
        #expect(events.last?["event"] as? String == "jobFinished")
        #expect(events.last?["result"] as? String == "success")
    }

    @Test("bad input: missing -W path, unreadable event file, malformed workflow, unknown job")
    func badInput() async throws {
        let repo = try HearthBinary.repository([
            "good.yml": "on: push\njobs:\n  j:\n    runs-on: host\n    steps:\n      - run: echo hi\n",
            "bad.yml": "on: push\njobs:\n  j:\n    runs-on: host\n    stepz: []\n",
            "broken.json": "{nope",
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let missing = try await HearthBinary.run(["exec", "-C", repo, "-W", "nope.yml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.yml"))
        let event = try await HearthBinary.run(["exec", "-C", repo, "-W", "good.yml", "--event-path", repo + "/broken.json"])
        #expect(event.status == 1)
        #expect(event.stderr.contains("broken.json"))
        let noEvent = try await HearthBinary.run(["exec", "-C", repo, "-W", "good.yml", "--event-path", repo + "/absent.json"])
        #expect(noEvent.status == 1)
        #expect(noEvent.stderr.contains("absent.json"))
        let bad = try await HearthBinary.run(["exec", "-C", repo, "-W", "bad.yml"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.yml:5:5"), "\(bad.stderr)")
        let job = try await HearthBinary.run(["exec", "-C", repo, "-W", "good.yml", "-j", "nope"])
        #expect(job.status == 1)
        #expect(job.stderr.contains("nope"))
    }

    @Test("SIGINT cancels: the step gets SIGTERM, always() steps run, exit status is non-zero")
    func interrupt() async throws {
        let repo = try HearthBinary.repository([
            "wf.yml": """
                on: push
                jobs:
                  j:
                    runs-on: host
                    steps:
                      - run: |
                          trap 'echo step-got-term; exit 143' TERM
                          echo ready-for-signal
                          while :; do sleep 0.05; done
                      - if: always()
                        run: echo cleanup-ran
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "-W", "wf.yml"]) { line, process in
            if line.hasSuffix("ready-for-signal") { kill(process.processIdentifier, SIGINT) }
        }
        #expect(result.status == 130, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("step-got-term"))
        #expect(result.stdout.contains("cleanup-ran"))
    }
}
