import Expressions
import Testing
import Workflow

@Suite struct JobTests {
    @Test func runsOnForms() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a: { runs-on: ubuntu-latest }
              b: { runs-on: [self-hosted, linux] }
              c:
                runs-on:
                  group: org/builders
                  labels: [big]
              d:
                runs-on:
                  group: solo
                  labels: one
              e: { runs-on: '${{ matrix.os }}' }
              f: { runs-on: 'os-${{ matrix.os }}' }
            """))
        #expect(workflow.job("a")?.runsOn == RunsOn(labels: ["ubuntu-latest"]))
        #expect(workflow.job("b")?.runsOn == RunsOn(labels: ["self-hosted", "linux"]))
        #expect(workflow.job("c")?.runsOn == RunsOn(labels: ["big"], group: "org/builders"))
        #expect(workflow.job("d")?.runsOn == RunsOn(labels: ["one"], group: "solo"))
        #expect(workflow.job("e")?.runsOn == RunsOn(labels: ["${{ matrix.os }}"], isExpression: true))
        #expect(workflow.job("f")?.runsOn == RunsOn(labels: ["os-${{ matrix.os }}"]))
    }

    @Test func runsOnGroupPrefix() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on:
                  group: team/builders
            """)
        #expect(errors.first?.description
            == "test.yml:5:14: Invalid runs-on group name 'team/builders'. Please use 'organization/' or 'enterprise/' prefix to target a single runner group.")
    }

    @Test func needsForms() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a: { runs-on: x }
              b: { runs-on: x, needs: a }
              c:
                runs-on: x
                needs: [a, b]
            """))
        #expect(workflow.job("a")?.needs == [])
        #expect(workflow.job("b")?.needs == ["a"])
        #expect(workflow.job("c")?.needs == ["a", "b"])
        #expect(workflow.job("c")?.needsLocations.map(\.line) == [7, 7])
    }

    @Test func matrixWithIncludeAndExclude() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: ${{ matrix.os }}
                strategy:
                  fail-fast: false
                  max-parallel: 2
                  matrix:
                    os: [linux, macos]
                    node: [18, 20]
                    include:
                      - os: linux
                        experimental: true
                    exclude:
                      - os: macos
                        node: 18
            """))
        let strategy = try #require(workflow.job("a")?.strategy)
        #expect(strategy.failFast == .bool(false))
        #expect(strategy.maxParallel == .number(2))
        guard case .definition(let matrix) = strategy.matrix else {
            Issue.record("expected a matrix definition")
            return
        }
        #expect(matrix["os"] == ["linux", "macos"])
        #expect(matrix["node"] == [18, 20])
        #expect(matrix["include"] == [["os": "linux", "experimental": true]])
        #expect(matrix["exclude"] == [["os": "macos", "node": 18]])
    }

    @Test func expressionMatrix() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                strategy:
                  matrix: ${{ fromJSON(vars.MATRIX) }}
              b:
                runs-on: x
                strategy:
                  matrix:
                    os: ${{ fromJSON(vars.OSES) }}
            """))
        guard case .expression(let text) = workflow.job("a")?.strategy?.matrix else {
            Issue.record("expected an expression matrix")
            return
        }
        #expect(text == "${{ fromJSON(vars.MATRIX) }}")
        guard case .definition(let matrix) = workflow.job("b")?.strategy?.matrix else {
            Issue.record("expected a matrix definition")
            return
        }
        #expect(matrix["os"] == .string("${{ fromJSON(vars.OSES) }}"))
    }

    @Test func emptyMatrixVector() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                strategy:
                  matrix:
                    os: []
            """)
        #expect(errors.map(\.description) == ["test.yml:7:13: Matrix vector 'os' does not contain any values"])
    }

    @Test func containerShorthandAndServices() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                container: node:20
                services:
                  redis: redis:7
                  db:
                    image: postgres:16
                    env: { POSTGRES_PASSWORD: pw }
                    ports: [5432]
                    options: --health-cmd pg_isready
              b:
                runs-on: x
                container:
                  image: ghcr.io/o/i:1
                  credentials:
                    username: ${{ github.actor }}
                    password: ${{ secrets.TOKEN }}
                  volumes: [/data:/data]
            """))
        #expect(workflow.job("a")?.container?.image == "node:20")
        let services = try #require(workflow.job("a")?.services)
        #expect(services.keys == ["redis", "db"])
        #expect(services["redis"]?.image == "redis:7")
        #expect(services["db"]?.ports == ["5432"])
        #expect(services["db"]?.env["POSTGRES_PASSWORD"] == "pw")
        let container = try #require(workflow.job("b")?.container)
        #expect(container.credentials == Credentials(username: "${{ github.actor }}", password: "${{ secrets.TOKEN }}"))
        #expect(container.volumes == ["/data:/data"])
    }

    @Test func containerWithoutImage() {
        let errors = workflowErrors("""
            on: push
            jobs:
              a:
                runs-on: x
                container:
                  options: --cpus 1
            """)
        #expect(errors.map(\.description) == ["test.yml:6:7: Container image cannot be empty"])
    }

    @Test func literalsAndExpressions() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a:
                runs-on: x
                timeout-minutes: 5
                continue-on-error: ${{ matrix.experimental }}
                outputs:
                  out: ${{ steps.s.outputs.v }}
                environment:
                  name: prod
                  url: https://example.com
                concurrency:
                  group: ci-${{ github.ref }}
                  cancel-in-progress: true
                permissions:
                  contents: read
              b:
                uses: ./.github/workflows/called.yml
                with:
                  count: 3
                  name: x-${{ github.sha }}
                secrets: inherit
            """))
        let a = try #require(workflow.job("a"))
        #expect(a.timeoutMinutes == .number(5))
        #expect(a.continueOnError == .string("${{ matrix.experimental }}"))
        #expect(a.outputs["out"] == "${{ steps.s.outputs.v }}")
        #expect(a.environment == DeploymentEnvironment(name: "prod", url: "https://example.com"))
        #expect(a.concurrency?.group == "ci-${{ github.ref }}")
        #expect(a.concurrency?.cancelInProgress == .bool(true))
        #expect(a.permissions == .scopes(["contents": .read]))
        let b = try #require(workflow.job("b"))
        #expect(b.isReusableWorkflowCall)
        #expect(b.with["count"] == .number(3))
        #expect(b.with["name"] == .string("x-${{ github.sha }}"))
        guard case .inherit = b.secrets else {
            Issue.record("expected secrets: inherit")
            return
        }
    }

    @Test func conditionsAreNormalised() throws {
        let workflow = try #require(readWorkflow("""
            on: push
            jobs:
              a: { runs-on: x }
              b: { runs-on: x, if: "github.ref == 'refs/heads/main'" }
              c: { runs-on: x, if: '${{ always() }}' }
              d: { runs-on: x, needs: a, if: "${{ failure('a') }}" }
              e: { runs-on: x, if: true }
            """))
        #expect(workflow.job("a")?.condition == "success()")
        #expect(workflow.job("a")?.ifCondition == nil)
        #expect(workflow.job("b")?.condition == "success() && (github.ref == 'refs/heads/main')")
        #expect(workflow.job("b")?.ifCondition == "github.ref == 'refs/heads/main'")
        #expect(workflow.job("c")?.condition == "always()")
        #expect(workflow.job("c")?.ifCondition == "${{ always() }}")
        #expect(workflow.job("d")?.condition == "failure('a')")
        #expect(workflow.job("e")?.condition == "success() && (true)")
    }

    @Test func jobIds() {
        let errors = workflowErrors("""
            on: push
            jobs:
              1st: { runs-on: x }
              __x: { runs-on: x }
              ok: { runs-on: x }
              OK: { runs-on: x }
            """)
        #expect(errors.map(\.description) == [
            "test.yml:6:3: 'OK' is already defined",
            "test.yml:3:3: The identifier '1st' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than 100 characters.",
            "test.yml:4:3: The identifier '__x' is invalid. IDs starting with '__' are reserved.",
        ])
    }
}
