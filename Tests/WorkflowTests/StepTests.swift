import Expressions
import Testing
import Workflow

@Suite struct StepTests {
    @Test func generatedIdsAvoidUserIds() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - uses: actions/checkout@v4
                  - run: echo one
                  - run: echo two
                  - uses: docker://alpine:3.20
                  - uses: ./.github/actions/local
                  - id: mine
                    run: echo mine
                  - uses: actions/checkout@v4
                  - uses: Owner/Repo/sub/dir@v1
            """))
        let steps = try #require(workflow.job("a")?.steps)
        #expect(steps.map(\.generatedId) == [
            "__actions_checkout", "__run", "__run_2", "__alpine_3_20", "__self", "mine", "__actions_checkout_2",
            "__Owner_Repo",
        ])
        #expect(steps.map(\.id) == [nil, nil, nil, nil, nil, "mine", nil, nil])
    }

    @Test func stepFields() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - name: Build
                    id: build
                    if: github.event_name == 'push'
                    run: |
                      make
                      make test
                    shell: bash
                    working-directory: src
                    env: { CC: clang }
                    timeout-minutes: 10
                    continue-on-error: true
                  - uses: actions/setup-node@v4
                    with:
                      node-version: 20
                      cache: npm
                      check-latest: true
            """))
        let steps = try #require(workflow.job("a")?.steps)
        #expect(steps[0].name == "Build")
        #expect(steps[0].run == "make\nmake test\n")
        #expect(steps[0].shell == "bash")
        #expect(steps[0].workingDirectory == "src")
        #expect(steps[0].env["CC"] == "clang")
        #expect(steps[0].timeoutMinutes == .number(10))
        #expect(steps[0].continueOnError == .bool(true))
        #expect(steps[0].condition == "success() && (github.event_name == 'push')")
        #expect(steps[0].location.line == 6)
        #expect(steps[1].uses == "actions/setup-node@v4")
        #expect(steps[1].with.keys == ["node-version", "cache", "check-latest"])
        #expect(steps[1].with["node-version"] == "20")
        #expect(steps[1].with["check-latest"] == "true")
        #expect(steps[1].displayName == "Run actions/setup-node@v4")
    }

    @Test func stepIdErrors() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - id: one
                    run: echo
                  - id: ONE
                    run: echo
                  - id: 2nd
                    run: echo
            """)
        #expect(errors.map(\.description) == [
            "test.yml:8:13: The identifier 'ONE' may not be used more than once within the same scope.",
            "test.yml:10:13: The identifier '2nd' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than 100 characters.",
        ])
    }

    @Test func usesFormat() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - uses: actions/checkout
            """)
        #expect(errors.map(\.description) == [
            "test.yml:6:15: Expected format {org}/{repo}[/path]@ref. Actual 'actions/checkout'",
        ])
    }

    @Test func stepNeedsRunOrUses() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - shell: bash
                  - name: nothing
            """)
        #expect(errors.map(\.description) == [
            "test.yml:6:9: Required property is missing: run",
            "test.yml:7:9: There's not enough info to determine what you meant. Add one of these properties: run, shell, uses, with, working-directory",
        ])
    }
}
