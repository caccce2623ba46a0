import Testing
import Workflow

@Suite struct RealWorldActionTests {
    @Test func checkout() throws {
        let manifest = try #require(readAction(ActionFixtures.checkout))
        #expect(manifest.name == "Checkout")
        #expect(manifest.inputs.keys == ["repository", "ref", "token", "ssh-strict", "fetch-depth", "lfs", "github-server-url"])
        #expect(manifest.inputs["repository"]?.defaultValue == "${{ github.repository }}")
        #expect(manifest.inputs["ref"]?.description?.hasPrefix("The branch, tag or SHA to checkout. When") == true)
        #expect(manifest.inputs["ref"]?.defaultValue == nil)
        #expect(manifest.inputs["ssh-strict"]?.defaultValue == "true")
        #expect(manifest.inputs["fetch-depth"]?.defaultValue == "1")
        #expect(manifest.inputs["lfs"]?.defaultValue == "false")
        #expect(manifest.inputs["github-server-url"]?.required == false)
        #expect(manifest.outputs.keys == ["ref", "commit"])
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action")
            return
        }
        #expect(node == NodeRuns(using: "node24", main: "dist/index.js", post: "dist/index.js"))
    }

    @Test func setupNode() throws {
        let manifest = try #require(readAction(ActionFixtures.setupNode))
        #expect(manifest.author == "GitHub")
        #expect(manifest.inputs["token"]?.defaultValue
            == "${{ github.server_url == 'https://github.com' && github.token || '' }}")
        #expect(manifest.inputs["check-latest"]?.defaultValue == "false")
        #expect(manifest.inputs["always-auth"]?.defaultValue == "false")
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action")
            return
        }
        #expect(node.post == "dist/cache-save/index.js")
        #expect(node.postIf == "success()")
    }

    @Test func cache() throws {
        let manifest = try #require(readAction(ActionFixtures.cache))
        #expect(manifest.inputs["path"]?.required == true)
        #expect(manifest.inputs["key"]?.required == true)
        #expect(manifest.inputs["restore-keys"]?.required == false)
        #expect(manifest.inputs["save-always"]?.deprecationMessage?.hasPrefix("save-always does not work") == true)
        #expect(manifest.outputs["cache-hit"]?.value == nil)
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action")
            return
        }
        #expect(node == NodeRuns(using: "node20", main: "dist/restore/index.js", post: "dist/save/index.js",
                                 postIf: "success()"))
    }

    @Test func githubScript() throws {
        let manifest = try #require(readAction(ActionFixtures.githubScript))
        #expect(manifest.inputs["debug"]?.defaultValue == "${{ runner.debug == '1' }}")
        #expect(manifest.inputs["retries"]?.defaultValue == "0")
        #expect(manifest.inputs["retry-exempt-status-codes"]?.defaultValue == "400,401,403,404,422")
        #expect(manifest.inputs["previews"] == ActionInput())
        #expect(manifest.runs.using == "node20")
    }

    @Test func uploadArtifact() throws {
        let manifest = try #require(readAction(ActionFixtures.uploadArtifact))
        #expect(manifest.inputs["if-no-files-found"]?.description?.contains("\n  warn: Output a warning") == true)
        #expect(manifest.inputs["compression-level"]?.defaultValue == "6")
        #expect(manifest.outputs.keys == ["artifact-id", "artifact-url", "artifact-digest"])
        #expect(manifest.outputs["artifact-digest"] == ActionOutput())
    }

    @Test func dockerLogin() throws {
        let manifest = try #require(readAction(ActionFixtures.dockerLogin))
        #expect(manifest.name == "Docker Login")
        #expect(manifest.author == "docker")
        #expect(manifest.inputs.keys == ["registry", "username", "password", "ecr", "logout"])
        #expect(manifest.inputs["logout"] == ActionInput(
            description: "Log out from the Docker registry at the end of a job", required: false, defaultValue: "true"))
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action")
            return
        }
        #expect(node.main == "dist/index.js" && node.post == "dist/index.js")
    }

    @Test func compositeWithUsesSteps() throws {
        let manifest = try #require(readAction(ActionFixtures.compositeSetup))
        #expect(manifest.inputs["node-version"] == ActionInput(description: "Node.js version", required: true, defaultValue: "20"))
        #expect(manifest.inputs["working-directory"]?.defaultValue == ".")
        guard case .composite(let steps) = manifest.runs else {
            Issue.record("expected a composite action")
            return
        }
        #expect(steps.filter { $0.uses != nil }.count == 4)
        #expect(steps.filter(\.isRun).allSatisfy { $0.shell == "bash" })
    }

    @Test func dockerHello() throws {
        let manifest = try #require(readAction(ActionFixtures.dockerHello))
        #expect(manifest.inputs["who-to-greet"] == ActionInput(description: "Who to greet", required: true, defaultValue: "World"))
    }
}
