import Testing
import Workflow

@Suite struct ErrorTests {
    @Test func malformedYAML() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: [x
                steps: []
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.location?.file == "test.yml")
        #expect(errors.first?.location?.line == 5)
        #expect(errors.first?.description.hasPrefix("test.yml:5:") == true)
    }

    @Test func unknownKey() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                stepz: []
            """)
        #expect(errors.map(\.description) == ["test.yml:5:5: Unexpected value 'stepz'"])
    }

    @Test func duplicateKey() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                runs-on: y
                steps:
                  - run: echo
            """)
        #expect(errors.map(\.description) == ["test.yml:5:5: 'runs-on' is already defined"])
    }

    @Test func badExpression() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                steps:
                  - run: echo ${{ github.sha
                  - run: echo ${{ secret.TOKEN }}
                  - run: echo ${{ }}
            """)
        #expect(errors.map(\.description) == [
            "test.yml:6:14: The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
            "test.yml:7:14: Unrecognized named-value: 'secret'. Located at position 1 within expression: secret.TOKEN",
            "test.yml:8:14: An expression was expected",
        ])
    }

    @Test func contextNotAllowedHere() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: ${{ steps.x.outputs.os }}
                if: ${{ env.X }}
            """)
        #expect(errors.map(\.description) == [
            "test.yml:4:14: Unrecognized named-value: 'steps'. Located at position 1 within expression: steps.x.outputs.os",
            "test.yml:5:9: Unrecognized named-value: 'env'. Located at position 1 within expression: env.X",
        ])
    }

    @Test func unknownNeeds() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a: { runs-on: x }
              b:
                runs-on: x
                needs: [a, c]
            """)
        #expect(errors.map(\.description) == ["test.yml:6:16: Job 'b' depends on unknown job 'c'."])
    }

    @Test func cycle() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a: { runs-on: x }
              b: { runs-on: x, needs: [a, c] }
              c: { runs-on: x, needs: b }
            """)
        #expect(errors.map(\.description) == [
            "test.yml:4:31: Job 'b' depends on job 'c' which creates a cycle in the dependency graph.",
            "test.yml:5:27: Job 'c' depends on job 'b' which creates a cycle in the dependency graph.",
        ])
    }

    @Test func noStartJob() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a: { runs-on: x, needs: b }
              b: { runs-on: x, needs: a }
            """)
        #expect(errors.map(\.description) == [
            "test.yml:3:3: The workflow must contain at least one job with no dependencies.",
        ])
    }

    @Test func anchorsAndTags() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: &runner x
                steps:
                  - run: !!binary aGk=
            """)
        #expect(errors.map(\.description) == [
            "test.yml: Anchors are not currently supported. Remove the anchor 'runner'",
            "test.yml: Unexpected tag 'tag:yaml.org,2002:binary'",
        ])
    }

    @Test func missingJobsAndOn() {
        let errors = workflowErrors("name: nothing\n")
        #expect(errors.map(\.description) == [
            "test.yml:1:1: Required property is missing: on",
            "test.yml:1:1: Required property is missing: jobs",
        ])
    }

    @Test func errorsAreThrownTogether() {
        do {
            _ = try WorkflowReader.read(yaml: "on: push\njobs:\n  a: { runs-on: x, foo: 1, bar: 2 }\n", file: "w.yml")
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.count == 2)
            #expect(error.description == "w.yml:3:20: Unexpected value 'foo'\nw.yml:3:28: Unexpected value 'bar'")
        }
    }

    @Test func readFromPath() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        let workflows = directory + "/.github/workflows"
        try FileManagerHelper.write("""
            on: push
            jobs:
              call:
                uses: ./.github/workflows/called.yml
                with: { level: 2 }
            """, to: workflows + "/main.yml")
        try FileManagerHelper.write("""
            on:
              workflow_call:
                inputs:
                  level: { type: number, required: true }
            jobs:
              inner: { runs-on: x, steps: [{ run: echo }] }
            """, to: workflows + "/called.yml")
        let workflow = try WorkflowReader.read(path: workflows + "/main.yml")
        #expect(workflow.job("call")?.calledWorkflow?.jobs.map(\.id) == ["inner"])

        try FileManagerHelper.write("""
            on: push
            jobs:
              call:
                uses: ./.github/workflows/called.yml
                with: { level: high, extra: 1 }
            """, to: workflows + "/bad.yml")
        let errors = WorkflowReader.validate(path: workflows + "/bad.yml")
        #expect(errors.map(\.message) == [
            "Unexpected value 'high'",
            "Invalid input, extra is not defined in the referenced workflow.",
        ])
    }
}
