import Engine
import Foundation
import Testing

@Suite("run: steps on the host")
struct RunStepTests {
    @Test("default shell is bash -e; bash adds pipefail; sh, python and custom {0} shells work")
    func shells() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: echo "$0 $-" | grep -q e && echo default-has-e; false; echo not-reached
                    continue-on-error: true
                  - shell: bash
                    run: false | true; echo after-pipe
                    continue-on-error: true
                  - shell: sh
                    run: echo "sh says hi"
                  - shell: python
                    run: |
                      import sys
                      print("python", sys.version_info[0])
                  - shell: perl {0}
                    run: print "perl\\n";
                  - shell: bash -c "cat {0}"
                    run: echo this-is-the-script
            """)
        defer { harness.remove() }
        let record = await harness.run()
        let output = record.output("t")
        #expect(output.contains("default-has-e"))
        #expect(!output.contains("not-reached"))
        #expect(!output.contains("after-pipe"), "bash shell must use -o pipefail")
        #expect(output.contains("sh says hi"))
        #expect(output.contains("python 3"))
        #expect(output.contains("perl"))
        #expect(output.contains("echo this-is-the-script"))
        let steps = record.steps("t")
        #expect(steps[0].outcome == .failure && steps[0].conclusion == .success)
        #expect(steps[1].outcome == .failure)
        #expect(record.result("t") == .success)
    }

    @Test("an unknown shell fails the step with a message naming it")
    func unknownShell() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - shell: fish
                    run: echo hi
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("t") == .failure)
        #expect(record.logs("t").contains { $0.text.contains("invalid shell 'fish'") })
    }

    @Test("env precedence is workflow < job < step, and expressions see it")
    func environmentPrecedence() async throws {
        let harness = try WorkflowHarness("""
            on: push
            env:
              A: workflow
              B: workflow
              C: workflow
            jobs:
              t:
                runs-on: host
                env:
                  B: job
                  C: job
                steps:
                  - env:
                      C: step
                      D: ${{ env.B }}-derived
                    run: echo "$A $B $C $D"
                  - run: echo "${{ env.C }}"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("t") == ["workflow job step job-derived", "job"])
    }

    @Test("working-directory: step, job defaults and workflow defaults")
    func workingDirectory() async throws {
        let harness = try WorkflowHarness("""
            on: push
            defaults:
              run:
                working-directory: sub
            jobs:
              t:
                runs-on: host
                steps:
                  - run: basename "$PWD"
                  - working-directory: sub/deeper
                    run: basename "$PWD"
              u:
                runs-on: host
                defaults:
                  run:
                    shell: sh
                    working-directory: sub/deeper
                steps:
                  - run: basename "$PWD"
            """, files: ["sub/deeper/.keep": ""])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("t") == ["sub", "deeper"])
        #expect(record.output("u") == ["deeper"])
    }

    @Test("GITHUB_ENV (with the multi-line form), GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE and GITHUB_STEP_SUMMARY")
    func fileCommands() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                outputs:
                  greeting: ${{ steps.out.outputs.greeting }}
                  multi: ${{ steps.out.outputs.multi }}
                steps:
                  - run: |
                      echo "SIMPLE=one" >> "$GITHUB_ENV"
                      { echo "MULTI<<EOF_MARK"; echo "line 1"; echo "line 2"; echo "EOF_MARK"; } >> "$GITHUB_ENV"
                      mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
                      echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                      echo "# Title" >> "$GITHUB_STEP_SUMMARY"
                      echo "saved=yes" >> "$GITHUB_STATE"
                  - id: out
                    run: |
                      echo "greeting=hello $SIMPLE" >> "$GITHUB_OUTPUT"
                      { echo "multi<<X"; echo "a"; echo "b"; echo "X"; } >> "$GITHUB_OUTPUT"
                  - run: |
                      echo "$MULTI" | tr '\\n' '|'; echo
                      mytool
                      echo "${{ env.SIMPLE }} ${{ steps.out.outputs.greeting }}"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("t") == .success)
        #expect(record.output("t") == ["line 1|line 2|", "tool-ran", "one hello one"])
        #expect(record.outputs("t") == ["greeting": "hello one", "multi": "a\nb"])
        let summaries = record.events.compactMap { event -> String? in
            if case .stepSummary(_, _, let markdown) = event { return markdown }
            return nil
        }
        #expect(summaries == ["# Title\n"])
    }

    @Test("a GITHUB_ENV heredoc without its delimiter fails the step")
    func malformedEnvFile() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: printf 'BROKEN<<END\\nvalue\\n' >> "$GITHUB_ENV"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("t") == .failure)
    }

    @Test("workflow commands: groups, annotations, debug, stop-commands, legacy set-output and disabled set-env")
    func workflowCommands() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                outputs:
                  legacy: ${{ steps.legacy.outputs.value }}
                steps:
                  - id: legacy
                    run: |
                      echo "::group::My group"
                      echo inside
                      echo "::endgroup::"
                      echo "::error file=app.js,line=10,col=5,title=Oops::Something broke"
                      echo "::warning::Careful"
                      echo "::notice::FYI"
                      echo "::debug::hidden unless debugging"
                      echo "::stop-commands::pause123"
                      echo "::error::not a command now"
                      echo "::pause123::"
                      echo "::set-output name=value::legacy-ok"
                  - run: echo "::set-env name=X::y"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        let logs = record.logs("t")
        #expect(logs.contains { $0.kind == .groupStart && $0.text == "My group" })
        #expect(logs.contains { $0.kind == .groupEnd })
        let error = logs.first { if case .annotation(let a) = $0.kind { return a.level == .error && a.file == "app.js" } else { return false } }
        #expect(error?.text == "Something broke")
        if case .annotation(let annotation)? = error?.kind {
            #expect(annotation.line == 10 && annotation.column == 5 && annotation.title == "Oops")
        }
        #expect(logs.contains { if case .annotation(let a) = $0.kind { return a.level == .warning && $0.text == "Careful" } else { return false } })
        #expect(!logs.contains { $0.kind != .command && $0.text.contains("hidden unless debugging") })
        #expect(record.output("t").contains("::error::not a command now"))
        #expect(record.outputs("t") == ["legacy": "legacy-ok"])
        let steps = record.steps("t")
        #expect(steps.last?.outcome == .failure, "set-env without ACTIONS_ALLOW_UNSECURE_COMMANDS fails the step")
    }

    @Test("set-env and add-path work when ACTIONS_ALLOW_UNSECURE_COMMANDS is true")
    func unsecureCommandsAllowed() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: true
                steps:
                  - run: |
                      echo "::set-env name=FROM_CMD::set"
                      echo "::add-path::/opt/hearth-test-path"
                  - run: 'echo "$FROM_CMD"; echo "$PATH" | cut -d: -f1' 
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("t") == ["set", "/opt/hearth-test-path"])
    }

    @Test("secrets and ::add-mask:: values (multi-line too) never appear in events")
    func masking() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                outputs:
                  leaked: ${{ steps.s.outputs.value }}
                steps:
                  - id: s
                    env:
                      SECRET: ${{ secrets.MY_SECRET }}
                      MULTI: ${{ secrets.MULTI }}
                    run: |
                      echo "plain $SECRET"
                      echo "$MULTI"
                      V="dynamic-value-$((40 + 2))"
                      echo "::add-mask::$V"
                      echo "later $V"
                      echo "value=$SECRET" >> "$GITHUB_OUTPUT"
                      echo "::warning title=$SECRET::$SECRET"
                      echo "summary $SECRET" >> "$GITHUB_STEP_SUMMARY"
            """)
        defer { harness.remove() }
        let record = await harness.run(secrets: ["MY_SECRET": "hunter2-secret", "MULTI": "first-line-x\nsecond-line-y"])
        let text = record.allText
        #expect(!text.contains("hunter2-secret"))
        #expect(!text.contains("first-line-x"))
        #expect(!text.contains("second-line-y"))
        #expect(!text.contains("dynamic-value-42"))
        #expect(record.output("t").contains("plain ***"))
        #expect(record.output("t").contains("later ***"))
        #expect(record.outputs("t")["leaked"] == nil, "outputs carrying a secret are dropped")
    }

    @Test("status functions: failure() and always() steps run after a failure, success() ones do not")
    func statusFunctions() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - run: exit 1
                  - run: echo skipped-by-default
                  - if: failure()
                    run: echo on-failure
                  - if: always()
                    run: echo always
                  - if: success()
                    run: echo on-success
                  - if: ${{ cancelled() }}
                    run: echo on-cancel
                  - id: named
                    if: steps.__run.outcome == 'failure'
                    run: echo implicit-success-wrap
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("t") == ["on-failure", "always"])
        #expect(record.result("t") == .failure)
        #expect(record.steps("t").map(\.outcome) == [.failure, .skipped, .success, .success, .skipped, .skipped, .skipped])
    }

    @Test("steps context: outcome and conclusion with continue-on-error")
    func stepsContext() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - id: bad
                    continue-on-error: true
                    run: exit 3
                  - run: echo "${{ steps.bad.outcome }} ${{ steps.bad.conclusion }} ${{ job.status }}"
            """)
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("t") == ["failure success success"])
        #expect(record.result("t") == .success)
    }

    @Test("step timeout-minutes stops the step and fails it; the job goes on with failure() steps")
    func stepTimeout() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - timeout-minutes: 0.005
                    run: echo started; exec sleep 60
                  - if: failure()
                    run: echo cleanup
            """)
        defer { harness.remove() }
        let started = ContinuousClock.now
        let record = await harness.run(grace: .milliseconds(500))
        #expect(ContinuousClock.now - started < .seconds(45), "well before the 60 s sleep would end by itself")
        #expect(record.steps("t").first?.outcome == .failure)
        #expect(record.logs("t").contains { $0.text.contains("timed out") })
        #expect(record.output("t") == ["started", "cleanup"])
    }

    @Test("job timeout-minutes cancels the job; always() steps still run")
    func jobTimeout() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                timeout-minutes: 0.005
                steps:
                  - run: exec sleep 60
                  - run: echo not-run
                  - if: always()
                    run: echo always-ran
            """)
        defer { harness.remove() }
        let record = await harness.run(grace: .milliseconds(500))
        #expect(record.result("t") == .failure)
        #expect(record.output("t") == ["always-ran"])
        #expect(record.logs("t").contains { $0.text.contains("maximum execution time") })
    }

    @Test("the standard GITHUB_*, FORGEJO_* and RUNNER_* variables are set")
    func standardVariables() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              build-it:
                runs-on: host
                steps:
                  - id: show
                    run: |
                      echo "$CI $GITHUB_ACTIONS $FORGEJO_ACTIONS $GITHUB_JOB $GITHUB_ACTION $GITHUB_REPOSITORY $FORGEJO_REPOSITORY $GITHUB_EVENT_NAME $GITHUB_REF"
                      echo "$RUNNER_OS $RUNNER_ARCH"
                      test "$GITHUB_WORKSPACE" = "$PWD" && echo workspace-ok
                      test -d "$RUNNER_TEMP" && echo temp-ok
                      test -f "$GITHUB_ENV" && test -f "$FORGEJO_OUTPUT" && echo files-ok
            """)
        defer { harness.remove() }
        let record = await harness.run()
        let output = record.output("build-it")
        #expect(output.first == "true true true build-it show test/repo test/repo push refs/heads/main")
        #expect(output.contains("Linux X64") || output.contains("Linux ARM64"))
        #expect(output.contains("workspace-ok") && output.contains("temp-ok") && output.contains("files-ok"))
    }
}
