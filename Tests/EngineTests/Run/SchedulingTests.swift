import Engine
import Expressions
import Foundation
import Testing

@Suite("Jobs: needs, matrix, outputs, cancellation")
struct SchedulingTests {
    @Test("independent jobs run in parallel, dependents after their needs")
    func parallelAndOrdered() async throws {
        // a and b each wait (bounded) for the other's marker: only concurrent execution passes.
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              a:
                runs-on: host
                steps:
                  - run: touch a.mark; for i in $(seq 1 200); do test -f b.mark && exit 0; sleep 0.05; done; exit 1
              b:
                runs-on: host
                steps:
                  - run: touch b.mark; for i in $(seq 1 200); do test -f a.mark && exit 0; sleep 0.05; done; exit 1
              c:
                needs: [a, b]
                runs-on: host
                steps:
                  - run: test -f a.mark && test -f b.mark && echo after-both
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("a") == .success)
        #expect(record.result("b") == .success)
        #expect(record.output("c") == ["after-both"])
        let order = record.jobNames
        #expect(order.last == "c")
    }

    @Test("--parallel 1 runs one job at a time")
    func boundedParallelism() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              a:
                runs-on: host
                steps:
                  - run: mkdir running.lock && sleep 0.2 && rmdir running.lock
              b:
                runs-on: host
                steps:
                  - run: mkdir running.lock && sleep 0.2 && rmdir running.lock
            """)
        defer { harness.remove() }
        let record = await harness.run(parallel: 1)
        #expect(record.result("a") == .success && record.result("b") == .success)
    }

    @Test("dependents of a failed job are skipped unless their if says otherwise")
    func failurePropagation() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              fails:
                runs-on: host
                steps:
                  - run: exit 1
              dependent:
                needs: fails
                runs-on: host
                steps:
                  - run: echo should-not-run
              transitive:
                needs: dependent
                runs-on: host
                steps:
                  - run: echo should-not-run
              cleanup:
                needs: fails
                if: always()
                runs-on: host
                steps:
                  - run: echo "cleanup sees ${{ needs.fails.result }}"
              on-failure:
                needs: [fails]
                if: failure()
                runs-on: host
                steps:
                  - run: echo handled
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("fails") == .failure)
        #expect(record.result("dependent") == .skipped)
        #expect(record.result("transitive") == .skipped)
        #expect(record.output("cleanup") == ["cleanup sees failure"])
        #expect(record.output("on-failure") == ["handled"])
    }

    @Test("job outputs reach needs.<id>.outputs; job if can read them")
    func jobOutputs() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              produce:
                runs-on: host
                outputs:
                  version: ${{ steps.v.outputs.version }}
                  flag: ${{ steps.v.outputs.flag }}
                steps:
                  - id: v
                    run: |
                      echo "version=1.2.3" >> "$GITHUB_OUTPUT"
                      echo "flag=false" >> "$GITHUB_OUTPUT"
              consume:
                needs: produce
                runs-on: host
                steps:
                  - run: echo "got ${{ needs.produce.outputs.version }} (${{ needs.produce.result }})"
              conditional:
                needs: produce
                if: needs.produce.outputs.flag == 'true'
                runs-on: host
                steps:
                  - run: echo no
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("consume") == ["got 1.2.3 (success)"])
        #expect(record.result("conditional") == .skipped)
    }

    @Test("matrix: include/exclude, GitHub's job names, matrix and strategy contexts")
    func matrix() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              build:
                runs-on: host
                strategy:
                  matrix:
                    os: [linux, mac]
                    node: [18, 20]
                    exclude:
                      - os: mac
                        node: 18
                    include:
                      - os: linux
                        node: 20
                        extra: yes
                steps:
                  - run: echo "${{ matrix.os }}-${{ matrix.node }}-${{ matrix.extra }} ${{ strategy.job-index }}/${{ strategy.job-total }}"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        let names = Set(record.jobNames)
        #expect(names == ["build (linux, 18)", "build (linux, 20)", "build (mac, 20)"])
        #expect(record.output("build (linux, 20)") == ["linux-20-yes 1/3"])
        #expect(record.output("build (linux, 18)") == ["linux-18- 0/3"])
    }

    @Test("matrix from a needs output via fromJSON, and a templated job name")
    func dynamicMatrix() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              plan:
                runs-on: host
                outputs:
                  targets: ${{ steps.p.outputs.targets }}
                steps:
                  - id: p
                    run: echo 'targets=["x","y"]' >> "$GITHUB_OUTPUT"
              run:
                needs: plan
                name: run-${{ matrix.target }}
                runs-on: host
                strategy:
                  matrix:
                    target: ${{ fromJSON(needs.plan.outputs.targets) }}
                steps:
                  - run: echo ${{ matrix.target }}
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("run-x") == ["x"])
        #expect(record.output("run-y") == ["y"])
    }

    @Test("fail-fast cancels the other matrix jobs; fail-fast false lets them finish")
    func failFast() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              ff:
                runs-on: host
                strategy:
                  max-parallel: 1
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: test ${{ matrix.n }} != 1
              nf:
                runs-on: host
                strategy:
                  fail-fast: false
                  max-parallel: 1
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: test ${{ matrix.n }} != 1
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("ff (1)") == .failure)
        #expect(record.result("ff (2)") == .skipped)
        #expect(record.result("ff (3)") == .skipped)
        #expect(record.result("nf (1)") == .failure)
        #expect(record.result("nf (2)") == .success)
        #expect(record.result("nf (3)") == .success)
        #expect(record.summaries.first { $0.jobID == "ff" }?.result == .failure)
    }

    @Test("-j selects a job and the jobs it needs")
    func jobSelection() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              base:
                runs-on: host
                steps: [{run: echo base}]
              target:
                needs: base
                runs-on: host
                steps: [{run: echo target}]
              other:
                runs-on: host
                steps: [{run: echo other}]
            """)
        defer { harness.remove() }
        let record = await harness.run(jobs: ["target"])
        #expect(Set(record.jobNames) == ["base", "target"])
    }

    @Test("cancellation: SIGTERM to the running step, then always() steps, result cancelled")
    func cancellation() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: |
                      trap 'echo got-sigterm; exit 143' TERM
                      echo ready
                      while :; do sleep 0.05; done
                  - run: echo not-after-cancel
                  - if: always()
                    run: echo always-after-cancel
                  - if: cancelled()
                    run: echo cancelled-step
              later:
                needs: t
                runs-on: host
                steps: [{run: echo never}]
            """)
        defer { harness.remove() }
        let cancellation = CancellationSignal()
        let record = await harness.run(cancellation: cancellation, reaction: { event in
            if case .log(_, _, let line) = event, line.text == "ready" { cancellation.cancel(reason: "test") }
        })
        // bash may also report its killed `sleep` ("Terminated"); the order of the rest is fixed.
        #expect(record.output("t").filter { $0 != "Terminated" } == ["ready", "got-sigterm", "always-after-cancel", "cancelled-step"])
        #expect(record.result("t") == .cancelled)
        #expect(record.steps("t").first?.outcome == .cancelled)
        #expect(record.result("later") == .skipped)
    }

    @Test("a step ignoring SIGTERM is killed after the grace period")
    func cancellationKillsAfterGrace() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: |
                      trap '' TERM
                      echo ready
                      while :; do sleep 0.05; done
            """)
        defer { harness.remove() }
        let cancellation = CancellationSignal()
        let started = ContinuousClock.now
        let record = await harness.run(grace: .milliseconds(300), cancellation: cancellation, reaction: { event in
            if case .log(_, _, let line) = event, line.text == "ready" { cancellation.cancel(reason: "test") }
        })
        #expect(ContinuousClock.now - started < .seconds(60), "the step loops forever unless SIGKILL follows the grace")
        #expect(record.result("t") == .cancelled)
    }

    @Test("workflow_dispatch inputs are typed in the inputs context")
    func inputs() async throws {
        let harness = try WorkflowHarness("""
            on:
              workflow_dispatch:
                inputs:
                  name:
                    type: string
                    default: world
                  loud:
                    type: boolean
            jobs:
              t:
                runs-on: host
                steps:
                  - run: echo "hello ${{ inputs.name }} ${{ inputs.loud && 'LOUD' || 'quiet' }}"
            """)
        defer { harness.remove() }
        let record = await harness.run(inputs: ObjectValue([("name", .string("hearth")), ("loud", .bool(true))]), event: "workflow_dispatch")
        #expect(record.output("t") == ["hello hearth LOUD"])
    }

    @Test("a local reusable workflow runs with inputs, secrets and outputs")
    func reusableWorkflow() async throws {
        let called = """
            on:
              workflow_call:
                inputs:
                  who:
                    type: string
                    required: true
                secrets:
                  token:
                    required: true
                outputs:
                  said:
                    value: ${{ jobs.speak.outputs.said }}
            jobs:
              speak:
                runs-on: host
                outputs:
                  said: ${{ steps.s.outputs.said }}
                steps:
                  - id: s
                    run: |
                      echo "hi ${{ inputs.who }} ${{ secrets.token }}"
                      echo "said=hi ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
            """
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              call:
                uses: ./.forgejo/workflows/called.yml
                with:
                  who: there
                secrets:
                  token: ${{ secrets.TOP }}
              after:
                needs: call
                runs-on: host
                steps:
                  - run: echo "${{ needs.call.outputs.said }}"
            """, files: [".forgejo/workflows/called.yml": called])
        defer { harness.remove() }
        let record = await harness.run(secrets: ["TOP": "topsecret"])
        #expect(record.output("call / speak") == ["hi there ***"])
        #expect(record.output("after") == ["hi there"])
    }
}
