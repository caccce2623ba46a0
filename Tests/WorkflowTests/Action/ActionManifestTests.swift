import Expressions
import Foundation
import Testing
import Workflow

@Suite struct ActionRunsTests {
    @Test func nodeAction() throws {
        let manifest = try #require(readAction("""
            name: Node
            description: A JavaScript action
            runs:
              using: Node20
              main: dist/index.js
              pre: dist/pre.js
              pre-if: runner.os == 'Linux'
              post: dist/post.js
              post-if: ${{ success() && inputs.cleanup == 'true' }}
            """))
        #expect(manifest.file == "action.yml")
        #expect(manifest.name == "Node")
        #expect(manifest.description == "A JavaScript action")
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action, got \(manifest.runs)")
            return
        }
        #expect(node == NodeRuns(using: "node20", main: "dist/index.js", pre: "dist/pre.js",
                                 preIf: "runner.os == 'Linux'", post: "dist/post.js",
                                 postIf: "${{ success() && inputs.cleanup == 'true' }}"))
        #expect(manifest.runs.using == "node20")
    }

    @Test(arguments: ["node12", "node16", "node20", "node24"])
    func nodeVersions(using: String) throws {
        let manifest = try #require(readAction("runs:\n  using: \(using)\n  main: index.js\n"))
        guard case .node(let node) = manifest.runs else {
            Issue.record("expected a node action")
            return
        }
        #expect(node.using == using)
        #expect(node.pre == nil && node.preIf == nil && node.post == nil && node.postIf == nil)
    }

    @Test func dockerAction() throws {
        let manifest = try #require(readAction(ActionFixtures.dockerHello))
        guard case .docker(let docker) = manifest.runs else {
            Issue.record("expected a docker action")
            return
        }
        #expect(docker.image == "Dockerfile")
        #expect(!docker.isPrebuiltImage)
        #expect(docker.args == ["${{ inputs.who-to-greet }}", "--verbose", "3"])
        #expect(docker.env == ["GREETING": "Hello ${{ inputs.who-to-greet }}", "COUNT": "2"])
        #expect(docker.entrypoint == "/entrypoint.sh")
        #expect(docker.preEntrypoint == "/setup.sh")
        #expect(docker.preIf == "runner.os == 'Linux'")
        #expect(docker.postEntrypoint == "/cleanup.sh")
        #expect(docker.postIf == "${{ always() }}")
        #expect(manifest.runs.using == "docker")
        #expect(manifest.outputs["time"] == ActionOutput(description: "The time we greeted you"))
    }

    @Test func dockerImageForms() throws {
        for image in ["docker://alpine:3.20", "docker://ghcr.io/owner/image@sha256:abcd", "build/Dockerfile"] {
            let manifest = try #require(readAction("runs:\n  using: docker\n  image: '\(image)'\n"))
            guard case .docker(let docker) = manifest.runs else {
                Issue.record("expected a docker action")
                return
            }
            #expect(docker.image == image)
            #expect(docker.isPrebuiltImage == image.hasPrefix("docker://"))
            #expect(docker.args.isEmpty && docker.env.isEmpty && docker.entrypoint == nil)
        }
    }

    @Test func compositeAction() throws {
        let manifest = try #require(readAction(ActionFixtures.compositeSetup))
        guard case .composite(let steps) = manifest.runs else {
            Issue.record("expected a composite action")
            return
        }
        #expect(manifest.runs.using == "composite")
        #expect(steps.count == 7)
        #expect(steps.map(\.generatedId) == [
            "__actions_setup-node", "cache", "__run", "random", "__run_2", "__self", "__alpine_3_20",
        ])
        #expect(steps[0].uses == "actions/setup-node@v4")
        #expect(steps[0].with["node-version"] == "${{ inputs.node-version }}")
        #expect(steps[1].with["key"] == "${{ runner.os }}-npm-${{ hashFiles('**/package-lock.json') }}")
        #expect(steps[2].ifCondition == "steps.cache.outputs.cache-hit != 'true'")
        #expect(steps[2].condition == "success() && (steps.cache.outputs.cache-hit != 'true')")
        #expect(steps[2].run == "npm ci")
        #expect(steps[2].shell == "bash")
        #expect(steps[2].workingDirectory == "${{ inputs.working-directory }}")
        #expect(steps[2].location == SourceLocation(file: "action.yml", line: 28, column: 7))
        #expect(steps[4].name == "Test")
        #expect(steps[4].env["NODE_VERSION"] == "${{ inputs.node-version }}")
        #expect(steps[4].continueOnError == .string("${{ inputs.node-version == '18' }}"))
        #expect(steps[5].uses == "./local-action")
        #expect(steps[6].with["args"] == "echo done")
        #expect(manifest.outputs["cache-hit"]?.value == "${{ steps.cache.outputs.cache-hit }}")
        #expect(manifest.outputs["random"] == ActionOutput(value: "${{ steps.random.outputs.value }}"))
    }

    @Test func compositeStatusFunctionsAndIds() throws {
        let manifest = try #require(readAction("""
            runs:
              using: composite
              steps:
                - run: echo a
                  shell: bash
                  if: always()
                - run: echo b
                  shell: ${{ runner.os == 'Windows' && 'pwsh' || 'bash' }}
                  continue-on-error: true
            """))
        guard case .composite(let steps) = manifest.runs else {
            Issue.record("expected a composite action")
            return
        }
        #expect(steps[0].condition == "always()")
        #expect(steps[1].condition == "success()")
        #expect(steps[1].shell == "${{ runner.os == 'Windows' && 'pwsh' || 'bash' }}")
        #expect(steps[1].continueOnError == .bool(true))
    }

    @Test func emptyCompositeSteps() throws {
        let manifest = try #require(readAction("runs:\n  using: composite\n  steps: []\n"))
        guard case .composite(let steps) = manifest.runs else {
            Issue.record("expected a composite action")
            return
        }
        #expect(steps.isEmpty)
    }
}

@Suite struct ActionInputOutputTests {
    @Test func inputForms() throws {
        let manifest = try #require(readAction("""
            name: Inputs
            inputs:
              plain:
                description: A plain input
              required-bool:
                required: true
              required-string:
                required: 'true'
              required-capital:
                required: "True"
              not-required-string:
                required: "false"
              number-default:
                default: 3
              float-default:
                default: 1.50
              bool-default:
                default: false
              empty-default:
                default:
              expression-default:
                default: ${{ github.token }}
              template-default:
                default: ${{ github.workspace }}/out
              escaped-default:
                default: ${{ '${{ literal }}' }}
              deprecated:
                deprecationMessage: Use 'plain' instead.
              extra-keys:
                type: string
                options: [a, b]
              null-input:
            runs:
              using: node20
              main: index.js
            """))
        let inputs = manifest.inputs
        #expect(inputs.keys == [
            "plain", "required-bool", "required-string", "required-capital", "not-required-string", "number-default",
            "float-default", "bool-default", "empty-default", "expression-default", "template-default",
            "escaped-default", "deprecated", "extra-keys", "null-input",
        ])
        #expect(inputs["plain"] == ActionInput(description: "A plain input"))
        #expect(inputs["required-bool"]?.required == true)
        #expect(inputs["required-string"]?.required == true)
        #expect(inputs["required-capital"]?.required == true)
        #expect(inputs["not-required-string"]?.required == false)
        #expect(inputs["plain"]?.required == false)
        #expect(inputs["number-default"]?.defaultValue == "3")
        #expect(inputs["float-default"]?.defaultValue == "1.5")
        #expect(inputs["bool-default"]?.defaultValue == "false")
        #expect(inputs["empty-default"]?.defaultValue == "")
        #expect(inputs["expression-default"]?.defaultValue == "${{ github.token }}")
        #expect(inputs["template-default"]?.defaultValue == "${{ github.workspace }}/out")
        #expect(inputs["escaped-default"]?.defaultValue == "${{ '${{ literal }}' }}")
        #expect(inputs["deprecated"]?.deprecationMessage == "Use 'plain' instead.")
        #expect(inputs["extra-keys"] == ActionInput())
        #expect(inputs["null-input"] == ActionInput())
        #expect(inputs["PLAIN"]?.description == "A plain input")
    }

    @Test func outputForms() throws {
        let manifest = try #require(readAction("""
            outputs:
              described:
                description: Set by the script
              valued:
                description: From a step
                value: ${{ steps.x.outputs.y }}
              literal:
                value: fixed
              empty:
            runs:
              using: composite
              steps:
                - id: x
                  run: echo "y=1" >> "$GITHUB_OUTPUT"
                  shell: bash
            """))
        #expect(manifest.outputs.keys == ["described", "valued", "literal", "empty"])
        #expect(manifest.outputs["described"] == ActionOutput(description: "Set by the script"))
        #expect(manifest.outputs["valued"] == ActionOutput(description: "From a step", value: "${{ steps.x.outputs.y }}"))
        #expect(manifest.outputs["literal"]?.value == "fixed")
        #expect(manifest.outputs["empty"] == ActionOutput())
    }

    @Test func emptySections() throws {
        let manifest = try #require(readAction("inputs:\noutputs:\nruns:\n  using: node20\n  main: a.js\n"))
        #expect(manifest.inputs.isEmpty && manifest.outputs.isEmpty)
        #expect(manifest.name == nil && manifest.description == nil && manifest.author == nil)
    }

    @Test func unknownTopLevelKeysAndBranding() throws {
        let manifest = try #require(readAction("""
            name: Lenient
            description: Keys GitHub ignores
            author: Someone
            branding:
              icon: not-a-feather-icon
              color: chartreuse
            x-custom:
              anything: [1, 2]
            runs:
              using: node20
              main: index.js
            """))
        #expect(manifest.author == "Someone")
    }

    @Test func duplicateInputs() {
        #expect(actionErrors("""
            inputs:
              token:
                default: a
              Token:
                default: b
            runs:
              using: node20
              main: index.js
            """) == ["action.yml:4:3: 'Token' is already defined"])
    }

    @Test func unknownOutputKey() {
        #expect(actionErrors("""
            outputs:
              x:
                valu: 1
            runs:
              using: node20
              main: index.js
            """) == ["action.yml:3:5: Unexpected value 'valu'"])
    }
}

@Suite struct ActionErrorTests {
    @Test func badUsing() {
        #expect(actionErrors("""
            name: Old
            runs:
              using: node10
              main: index.js
            """) == [
                "action.yml:3:10: 'using: node10' is not supported, use 'composite', 'node12', 'node16', 'node20', 'node24' or 'docker' instead.",
            ])
    }

    @Test func badUsingThrows() {
        #expect(throws: WorkflowErrors.self) {
            _ = try ActionManifestReader.read(yaml: "runs:\n  using: deno\n  main: a.ts\n", file: "action.yml")
        }
        let parsed = ActionManifestReader.parse(yaml: "runs:\n  using: deno\n  main: a.ts\n", file: "action.yml")
        #expect(parsed.manifest == nil)
        #expect(parsed.errors.first?.location == SourceLocation(file: "action.yml", line: 2, column: 10))
    }

    @Test func missingUsingAndRuns() {
        #expect(actionErrors("runs:\n  main: index.js\n") == ["action.yml:2:3: Required property is missing: using"])
        #expect(actionErrors("name: No runs\n") == ["action.yml:1:1: Required property is missing: runs"])
    }

    @Test func missingKindRequirements() {
        #expect(actionErrors("runs:\n  using: node20\n") == ["action.yml:2:3: Required property is missing: main"])
        #expect(actionErrors("runs:\n  using: docker\n") == ["action.yml:2:3: Required property is missing: image"])
        #expect(actionErrors("runs:\n  using: composite\n") == ["action.yml:2:3: Required property is missing: steps"])
    }

    @Test func compositeRunStepWithoutShell() {
        #expect(actionErrors("""
            runs:
              using: composite
              steps:
                - run: echo ok
                  shell: bash
                - name: No shell
                  run: echo hi
            """) == ["action.yml:6:7: Required property is missing: shell"])
    }

    @Test func compositeStepProblems() {
        #expect(actionErrors("""
            runs:
              using: composite
              steps:
                - uses: actions/checkout@v4
                  timeout-minutes: 5
                - uses: actions/checkout
                - id: __reserved
                  run: echo
                  shell: bash
                - if: needs.build.result == 'success'
                  run: echo
                  shell: bash
            """) == [
                "action.yml:5:7: Unexpected value 'timeout-minutes'",
                "action.yml:6:13: Expected format {org}/{repo}[/path]@ref. Actual 'actions/checkout'",
                "action.yml:7:11: The identifier '__reserved' is invalid. IDs starting with '__' are reserved.",
                "action.yml:10:11: Unrecognized named-value: 'needs'. Located at position 1 within expression: needs.build.result == 'success'",
            ])
    }

    @Test func compositeStepNeitherRunNorUses() {
        let errors = actionErrors("""
            runs:
              using: composite
              steps:
                - name: Nothing
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("action.yml:4:7: There's not enough info to determine what you meant.") == true)
    }

    @Test func badExpressionPositions() {
        #expect(actionErrors("""
            inputs:
              token:
                default: ${{ inputs.other }}
            outputs:
              out:
                value: ${{ secrets.TOKEN }}
            runs:
              using: composite
              steps:
                - run: echo ${{ secrets.TOKEN }}
                  shell: bash
                - uses: some/action@v1
                  with:
                    token: ${{ github.token }}
                    bad: ${{ vars.X }}
                - run: echo ${{ inputs.x
                  shell: bash
            """) == [
                "action.yml:3:14: Unrecognized named-value: 'inputs'. Located at position 1 within expression: inputs.other",
                "action.yml:6:12: Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.TOKEN",
                "action.yml:10:12: Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.TOKEN",
                "action.yml:15:14: Unrecognized named-value: 'vars'. Located at position 1 within expression: vars.X",
                "action.yml:16:12: The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
            ])
    }

    @Test func dockerExpressionContexts() {
        #expect(actionErrors("""
            runs:
              using: docker
              image: ${{ inputs.image }}
              args:
                - ${{ inputs.ok }}
                - ${{ github.token }}
              env:
                OK: ${{ inputs.ok }}
                BAD: ${{ env.X }}
              post-if: secrets.X != ''
            """) == [
                "action.yml:3:10: Unrecognized named-value: 'inputs'. Located at position 1 within expression: inputs.image",
                "action.yml:6:7: Unrecognized named-value: 'github'. Located at position 1 within expression: github.token",
                "action.yml:9:10: Unrecognized named-value: 'env'. Located at position 1 within expression: env.X",
                "action.yml:10:12: Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.X != ''",
            ])
    }

    @Test func expressionsWhereNoneAreAllowed() {
        #expect(actionErrors("""
            runs:
              using: ${{ inputs.runtime }}
              main: ${{ 1 }}
            """) == [
                "action.yml:2:10: Unrecognized named-value: 'inputs'. Located at position 1 within expression: inputs.runtime",
                "action.yml:3:9: A template expression is not allowed in this context",
            ])
        #expect(actionErrors("""
            inputs:
              flag:
                required: ${{ true }}
            runs:
              using: node20
              main: index.js
            """) == ["action.yml:3:15: A template expression is not allowed in this context"])
    }

    @Test func unknownKeyInsideRuns() {
        #expect(actionErrors("""
            runs:
              using: node20
              main: index.js
              mian: index.js
            """) == ["action.yml:4:3: Unexpected value 'mian'"])
    }

    @Test func keyOfAnotherKindInsideRuns() {
        #expect(actionErrors("""
            runs:
              using: docker
              image: Dockerfile
              main: index.js
            """) == [
                "action.yml:4:3: Unexpected value 'main' ('using: docker' accepts image, entrypoint, args, env, pre-entrypoint, pre-if, post-entrypoint, post-if)",
            ])
        #expect(actionErrors("""
            runs:
              using: composite
              env:
                A: b
              steps: []
            """) == ["action.yml:3:3: Unexpected value 'env' ('using: composite' accepts steps)"])
    }

    @Test func yamlProblems() {
        let errors = actionErrors("""
            name: Broken
            runs:
              using: [node20
              main: index.js
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("action.yml:4:") == true)
        #expect(actionErrors("") == ["action.yml:1:1: The action metadata file is empty"])
        #expect(actionErrors("- just\n- a list\n")
            == ["action.yml:1:1: An action metadata file must be a mapping (name, description, inputs, outputs, runs)"])
        #expect(actionErrors("name: a\nname: b\nruns:\n  using: node20\n  main: a.js\n")
            == ["action.yml:2:1: 'name' is already defined"])
    }
}

@Suite struct ActionFileTests {
    private static let node = "name: Node\nruns:\n  using: node20\n  main: index.js\n"

    @Test func readsActionYml() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManagerHelper.write(Self.node, to: directory + "/action.yml")
        try FileManagerHelper.write("name: Other\nruns:\n  using: docker\n  image: Dockerfile\n", to: directory + "/action.yaml")
        let manifest = try ActionManifestReader.read(directory: directory)
        #expect(manifest.file == directory + "/action.yml")
        #expect(manifest.name == "Node")
        #expect(ActionManifestReader.manifestPath(in: directory) == directory + "/action.yml")
    }

    @Test func fallsBackToActionYaml() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManagerHelper.write(Self.node, to: directory + "/action.yaml")
        let manifest = try ActionManifestReader.read(directory: directory)
        #expect(manifest.file == directory + "/action.yaml")
        #expect(manifest.runs.using == "node20")
    }

    @Test func missingManifest() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManagerHelper.write("FROM alpine\n", to: directory + "/Dockerfile")
        let error = try #require(throws: WorkflowErrors.self) {
            try ActionManifestReader.read(directory: directory)
        }
        #expect(error.errors.map(\.description) == [
            "\(directory): Can't find 'action.yml' or 'action.yaml' under '\(directory)'.",
        ])
        #expect(ActionManifestReader.manifestPath(in: directory) == nil)

        let missing = directory + "/nope"
        let missingError = try #require(throws: WorkflowErrors.self) {
            try ActionManifestReader.read(directory: missing)
        }
        #expect(missingError.errors.first?.message.contains("'\(missing)': the directory does not exist") == true)
    }

    @Test func missingFile() throws {
        let path = FileManagerHelper.temporaryDirectory() + "/action.yml"
        let error = try #require(throws: WorkflowErrors.self) {
            try ActionManifestReader.read(path: path)
        }
        #expect(error.errors.map(\.description) == ["\(path): The action metadata file does not exist"])
    }

    @Test func errorsCarryThePath() throws {
        let directory = FileManagerHelper.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManagerHelper.write("runs:\n  using: node20\n  main: index.js\n  foo: bar\n", to: directory + "/action.yml")
        let error = try #require(throws: WorkflowErrors.self) {
            try ActionManifestReader.read(directory: directory)
        }
        #expect(error.errors.map(\.description) == ["\(directory)/action.yml:4:3: Unexpected value 'foo'"])
    }
}
