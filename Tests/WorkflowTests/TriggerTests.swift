import Expressions
import Testing
import Workflow

@Suite struct TriggerTests {
    @Test func singleEventString() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """))
        #expect(workflow.triggers.names == ["push"])
        #expect(workflow.triggers.events[0].config == .null)
        #expect(workflow.triggers.events[0].location.line == 1)
    }

    @Test func eventList() throws {
        let workflow = try #require(readWorkflow("""
            on: [push, pull_request, workflow_dispatch]
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """))
        #expect(workflow.triggers.names == ["push", "pull_request", "workflow_dispatch"])
    }

    @Test func mappingWithNullAndConfig() throws {
        let workflow = try #require(readWorkflow("""
            on:
              push:
                branches: [main, 'releases/**']
                paths-ignore: docs/**
              pull_request:
                types: opened
              workflow_dispatch:
              schedule:
                - cron: '0 */6 * * 1-5'
            jobs:
              a:
                runs-on: x
                steps:
                  - run: echo
            """))
        let triggers = workflow.triggers
        #expect(triggers.names == ["push", "pull_request", "workflow_dispatch", "schedule"])
        #expect(triggers.event("push")?.branches == ["main", "releases/**"])
        #expect(triggers.event("push")?.pathsIgnore == ["docs/**"])
        #expect(triggers.event("pull_request")?.types == ["opened"])
        #expect(triggers.event("workflow_dispatch")?.config == .null)
        #expect(triggers.schedules == ["0 */6 * * 1-5"])
    }

    @Test func onKeyAndYesNoStayStrings() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            env:
              A: yes
              B: no
              C: on
              D: 0x10
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """))
        #expect(workflow.env["A"] == "yes")
        #expect(workflow.env["B"] == "no")
        #expect(workflow.env["C"] == "on")
        #expect(workflow.env["D"] == "16")
    }

    @Test func workflowDispatchInputs() throws {
        let workflow = try #require(readWorkflow("""
            on:
              workflow_dispatch:
                inputs:
                  level:
                    description: Log level
                    required: true
                    default: warning
                    type: choice
                    options: [info, warning]
                  dry-run:
                    type: boolean
                    default: false
                  plain:
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """))
        let inputs = workflow.triggers.workflowDispatchInputs
        #expect(inputs.map(\.name) == ["level", "dry-run", "plain"])
        #expect(inputs[0].type == .choice)
        #expect(inputs[0].required)
        #expect(inputs[0].options == ["info", "warning"])
        #expect(inputs[0].default == .string("warning"))
        #expect(inputs[1].type == .boolean)
        #expect(inputs[1].default == .bool(false))
        #expect(inputs[2].type == .string)
    }

    @Test func workflowCallInterface() throws {
        let workflow = try #require(readWorkflow("""
            on:
              workflow_call:
                inputs:
                  version: { type: number, required: true }
                secrets:
                  token: { required: true }
                outputs:
                  result:
                    value: ${{ jobs.a.outputs.result }}
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """))
        #expect(workflow.triggers.workflowCallInputs.first?.type == .number)
        #expect(workflow.triggers.workflowCallSecrets.first?.required == true)
        #expect(workflow.triggers.workflowCallOutputs.first?.value == "${{ jobs.a.outputs.result }}")
    }

    @Test func unknownEventAndEventKeyAreErrors() {
        let errors = workflowErrors("""
            on:
              pushed:
              push:
                branch: main
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """)
        #expect(errors.map(\.description) == [
            "test.yml:2:3: Unexpected value 'pushed'",
            "test.yml:4:5: Unexpected value 'branch'",
        ])
    }

    @Test func invalidCron() {
        let errors = workflowErrors("""
            on:
              schedule:
                - cron: '61 * * * *'
            jobs:
              a: { runs-on: x, steps: [{ run: echo }] }
            """)
        #expect(errors.first?.location?.line == 3)
        #expect(errors.first?.message.hasPrefix("Invalid cron expression") == true)
    }
}
