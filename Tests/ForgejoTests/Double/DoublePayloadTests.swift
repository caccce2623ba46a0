import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import SwiftProtobuf
import Testing
import Workflow

@Suite("Forgejo double: the Task payload")
struct DoublePayloadTests {
    @Test("The Task carries a single-job workflow, the context keys, the token secrets, vars")
    func taskPayload() async throws {
        try await withDouble { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single, file: ".forgejo/workflows/ci.yml",
                             ref: "refs/tags/v1.0", sha: String(repeating: "ab", count: 20),
                             contextOverrides: ["head_ref": "feature"], secrets: ["deploy_key": "s3cr3t"],
                             vars: ["region": "eu"])
            let task = try await runner.fetchTask()
            let yaml = String(decoding: task.workflowPayload, as: UTF8.self)
            let workflow = try WorkflowReader.read(yaml: yaml, file: "payload.yml")
            #expect(workflow.name == "single")
            #expect(workflow.jobs.map(\.id) == ["build"])
            #expect(workflow.jobs[0].name == "build")
            #expect(workflow.jobs[0].steps.count == 3)

            let context = task.context.fields
            func string(_ key: String) -> String? { context[key]?.stringValue }
            #expect(string("event_name") == "push")
            #expect(string("job") == "build")
            #expect(string("run_id") == "1")
            #expect(string("run_number") == "1")
            #expect(string("run_attempt") == "1")
            #expect(string("repository") == "hearth/demo")
            #expect(string("repository_owner") == "hearth")
            #expect(string("ref") == "refs/tags/v1.0")
            #expect(string("ref_name") == "v1.0")
            #expect(string("ref_type") == "tag")
            #expect(string("sha") == String(repeating: "ab", count: 20))
            #expect(string("server_url") == double.baseURL + "/")
            #expect(string("api_url") == double.baseURL + "/api/v1")
            #expect(string("workflow") == "ci.yml")
            #expect(string("workflow_ref") == "hearth/demo/.forgejo/workflows/ci.yml@refs/tags/v1.0")
            #expect(string("head_ref") == "feature")
            #expect(string("gitea_default_actions_url") == "https://data.forgejo.org")
            #expect(string("forgejo_default_actions_url") == "https://data.forgejo.org")
            #expect(string("gitea_runtime_token")?.split(separator: ".").count == 3)
            #expect(string("forgejo_runtime_token") == string("gitea_runtime_token"))
            #expect(string("forgejo_server_version") != nil)
            #expect(string("secret_source") == "Actions")
            #expect(context["ref_protected"]?.boolValue == false)
            #expect(context["event"]?.structValue.fields["repository"] != nil)

            let token = try #require(string("token"))
            #expect(token.count == 40)
            #expect(task.secrets["GITHUB_TOKEN"] == token)
            #expect(task.secrets["GITEA_TOKEN"] == token)
            #expect(task.secrets["FORGEJO_TOKEN"] == token)
            #expect(task.secrets["DEPLOY_KEY"] == "s3cr3t")
            #expect(task.vars["REGION"] == "eu")
            #expect(task.needs.isEmpty)

            let stored = try #require(double.task(task.id))
            #expect(stored.steps.map(\.name) == ["Say hello", "actions/checkout@v4", "echo multi\necho line"])
            #expect(stored.steps.allSatisfy { $0.status == .waiting })
            #expect(stored.token == token)
        }
    }

    @Test("Gitea mode: gitea_* context keys only, no FORGEJO_TOKEN, github.com as default actions URL")
    func giteaContext() async throws {
        try await withDouble(.init(giteaMode: true)) { double, client in
            let runner = double.wireRunner(client)
            try double.queue(workflowYAML: DoubleWorkflows.single)
            let task = try await runner.fetchTask()
            #expect(task.context.fields["gitea_default_actions_url"]?.stringValue == "https://github.com")
            #expect(task.context.fields["forgejo_default_actions_url"] == nil)
            #expect(task.context.fields["forgejo_runtime_token"] == nil)
            #expect(task.secrets["FORGEJO_TOKEN"] == nil)
            #expect(task.secrets["GITEA_TOKEN"] != nil)
        }
    }

    @Test("A matrix becomes one job per combination with a collapsed matrix and evaluated runs-on")
    func matrixExpansion() async throws {
        try await withDouble { double, client in
            let ids = try double.queue(workflowYAML: """
                name: matrix
                on: push
                env:
                  GLOBAL: "1"
                jobs:
                  build:
                    runs-on: ${{ matrix.os }}
                    strategy:
                      matrix:
                        os: [linux, docker]
                        node: [20, "22"]
                    steps:
                      - run: echo ${{ matrix.node }}
                  named:
                    name: Test on ${{ matrix.os }}
                    runs-on: [docker, "${{ vars.EXTRA }}"]
                    strategy:
                      matrix:
                        os: [a]
                    steps:
                      - run: echo
                """, vars: ["EXTRA": "big"])
            #expect(ids.count == 5)
            let jobs = double.jobs
            #expect(jobs.map(\.name) == ["build (linux, 20)", "build (linux, 22)", "build (docker, 20)",
                                         "build (docker, 22)", "Test on a"])
            #expect(jobs.map(\.runsOn) == [["linux"], ["linux"], ["docker"], ["docker"], ["docker", "big"]])
            #expect(jobs[1].matrix == ["os": "linux", "node": "22"])
            #expect(jobs.allSatisfy { $0.status == .waiting })

            let payload = try WorkflowReader.read(yaml: jobs[1].workflowPayload, file: "p.yml")
            #expect(payload.jobs.count == 1)
            let job = payload.jobs[0]
            #expect(job.id == "build")
            #expect(job.name == "build (linux, 22)")
            #expect(job.runsOn?.labels == ["linux"])
            #expect(payload.env["GLOBAL"] == "1")
            guard case .definition(.object(let matrix)) = job.strategy?.matrix else {
                Issue.record("matrix not collapsed: \(jobs[1].workflowPayload)")
                return
            }
            #expect(matrix["os"] == .array([.string("linux")]))
            #expect(matrix["node"] == .array([.string("22")]))

            // Matrix jobs are picked by their own labels.
            let linux = double.wireRunner(client, labels: ["linux"])
            let first = try await linux.fetch(capacity: 5)
            #expect(first.hasTask && first.additionalTasks.count == 1)
        }
    }

    @Test("Unsupported workflows are rejected with a clear error")
    func unsupported() async throws {
        let double = ForgejoDouble()
        let needsMatrix = """
            on: push
            jobs:
              a:
                runs-on: docker
                steps: [ { run: echo } ]
              b:
                needs: a
                runs-on: ${{ needs.a.outputs.os }}
                steps: [ { run: echo } ]
            """
        #expect(throws: DoubleError.self) { try double.queue(workflowYAML: needsMatrix) }
        let invalid = "on: push\njobs:\n  a:\n    steps: []\n"
        let error = #expect(throws: DoubleError.self) { try double.queue(workflowYAML: invalid) }
        #expect(error?.kind == .invalidWorkflow)
        #expect(double.jobs.isEmpty)
    }
}
