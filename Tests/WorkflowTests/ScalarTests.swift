import Expressions
import Testing
import Workflow

@Suite struct ScalarTests {
    @Test func coreSchemaValues() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                strategy:
                  matrix:
                    v: [1, 0o10, 0x1F, -2.5, .inf, ~, True, 'true', 12_345, 2001-12-14, yes, NaN]
            """))
        guard case .definition(let matrix) = workflow.job("a")?.strategy?.matrix else {
            Issue.record("expected a matrix definition")
            return
        }
        #expect(matrix["v"] == [1, 8, 31, -2.5, .number(.infinity), nil, true, "true", "12_345", "2001-12-14", "yes", "NaN"])
    }

    @Test func numbersBecomeStringsLikeGitHub() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            env:
              A: 0.84551240822557006
              B: 1587106672383762434
              C: 3.0
              D: !!null
              E: false
            jobs:
              a: { runs-on: x }
            """))
        #expect(workflow.env.values == ["0.84551240822557", "1.58710667238376E+18", "3", "", "false"])
    }

    @Test func templatesAreKeptAsWritten() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                env:
                  ${{ insert }}: ${{ fromJSON(vars.EXTRA) }}
                steps:
                  - run: ${{ '${{ not an expression }}' }}
                  - run: echo ${{ github.sha }} '}}' done
            """))
        let job = try #require(workflow.job("a"))
        #expect(job.env.keys == ["${{ insert }}"])
        #expect(job.steps.map(\.run) == ["${{ '${{ not an expression }}' }}", "echo ${{ github.sha }} '}}' done"])
    }

    @Test func explicitTagRules() {
        #expect(workflowErrors("on: push\njobs:\n  a: { runs-on: !!int \"3\" }\n").map(\.description) == [
            "test.yml: The scalar style 'DoubleQuoted' on line 3 and column 17 is not valid with the tag 'tag:yaml.org,2002:int'",
        ])
        #expect(workflowErrors("on: push\njobs:\n  a: { runs-on: !!bool maybe }\n").map(\.description) == [
            "test.yml: The value 'maybe' on line 3 and column 17 is invalid for the type 'tag:yaml.org,2002:bool'",
        ])
    }
}
