import Engine
import Foundation
import Testing

@Suite("Actions: local composite and JavaScript actions")
struct LocalActionTests {
    static let greet = """
        name: Greet
        description: says hello
        inputs:
          who:
            description: whom to greet
            required: true
          punctuation:
            default: "!"
          old-name:
            deprecationMessage: use 'who'
        outputs:
          sentence:
            description: what was said
            value: ${{ steps.say.outputs.sentence }}
        runs:
          using: composite
          steps:
            - id: say
              shell: bash
              run: |
                echo "hello ${{ inputs.who }}${{ inputs.punctuation }} from $(basename "${{ github.action_path }}")"
                echo "caller env: $CALLER"
                echo "sentence=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
            - if: inputs.who == 'nobody'
              shell: bash
              run: echo never
            - shell: sh
              run: echo "::add-mask::$SECRETISH"; echo "inner $SECRETISH"
              env:
                SECRETISH: ${{ inputs.who }}-masked
        """

    @Test("a composite action: inputs with defaults, outputs, action_path, env, if and masking inside")
    func composite() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - id: g
                    uses: ./.forgejo/actions/greet
                    env:
                      CALLER: from-caller
                    with:
                      who: world
                  - run: echo "output=${{ steps.g.outputs.sentence }} outcome=${{ steps.g.outcome }}"
            """, files: [".forgejo/actions/greet/action.yml": Self.greet])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("t") == .success)
        let output = record.output("t")
        #expect(output.contains("hello world! from greet"))
        #expect(output.contains("caller env: from-caller"))
        #expect(!output.contains("never"))
        #expect(output.contains("inner ***"))
        #expect(output.contains("output=hello world outcome=success"))
        #expect(!record.allText.contains("world-masked"))
    }

    @Test("missing required input fails; unknown and deprecated inputs warn")
    func inputRules() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              missing:
                runs-on: host
                steps:
                  - uses: ./greet
              warned:
                runs-on: host
                steps:
                  - uses: ./greet
                    with:
                      who: x
                      old-name: y
                      typo: z
            """, files: ["greet/action.yml": Self.greet])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("missing") == .failure)
        #expect(record.logs("missing").contains { $0.text.contains("Input required and not supplied: who") })
        #expect(record.result("warned") == .success)
        #expect(record.logs("warned").contains { $0.text.contains("Input 'old-name' has been deprecated with message: use 'who'") })
        #expect(record.logs("warned").contains { $0.text.contains("Unexpected input(s) 'typo'") })
    }

    @Test("nested composites work; a composite that uses itself is refused")
    func nestingAndCycles() async throws {
        let outer = """
            runs:
              using: composite
              steps:
                - uses: ./inner
                  with:
                    level: two
                - shell: bash
                  run: echo outer-done
            """
        let inner = """
            inputs:
              level: {required: true}
            runs:
              using: composite
              steps:
                - shell: bash
                  run: echo "inner ${{ inputs.level }}"
            """
        let loop = """
            runs:
              using: composite
              steps:
                - uses: ./loop
            """
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              nested:
                runs-on: host
                steps:
                  - uses: ./outer
              cycle:
                runs-on: host
                steps:
                  - uses: ./loop
            """, files: ["outer/action.yml": outer, "inner/action.yml": inner, "loop/action.yml": loop])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.output("nested") == ["inner two", "outer-done"])
        #expect(record.result("cycle") == .failure)
        #expect(record.logs("cycle").contains { $0.text.contains("uses itself") })
    }

    @Test("bad action.yml and a missing action directory are clear errors when their step runs (local actions load then, as on GitHub)")
    func badActions() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              bad:
                runs-on: host
                steps:
                  - run: echo not-reached
                  - uses: ./bad
              missing:
                runs-on: host
                steps:
                  - uses: ./nowhere
            """, files: ["bad/action.yml": "runs:\n  using: node99\n  main: x.js\n"])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("bad") == .failure)
        #expect(record.output("bad").contains("not-reached"), "a local action is read when its step runs (an earlier step may create it)")
        #expect(record.logs("bad").contains { $0.text.contains("action.yml") && $0.text.contains("node99") })
        #expect(record.result("missing") == .failure)
        #expect(record.logs("missing").contains { $0.text.contains("nowhere") })
    }

    @Test("docker actions on the host backend fail with the alternative named")
    func dockerOnHost() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - uses: docker://alpine:3
                  - uses: ./dockerish
            """, files: ["dockerish/action.yml": "runs:\n  using: docker\n  image: Dockerfile\n"])
        defer { harness.remove() }
        let record = await harness.run()
        #expect(record.result("t") == .failure)
        #expect(record.logs("t").contains { $0.text.contains("--backend podman") })
    }

    static let nodeAction = """
        name: phases
        inputs:
          my-input: {default: dflt}
          spaced name: {default: s}
        outputs:
          result: {description: r}
        runs:
          using: node20
          pre: pre.js
          main: main.js
          post: post.js
        """
    static let preJS = """
        const fs = require('fs');
        console.log('pre ran, action path ok: ' + (process.env.GITHUB_ACTION_PATH === __dirname));
        fs.appendFileSync(process.env.GITHUB_STATE, 'phase=from-pre\\n');
        """
    static let mainJS = """
        const fs = require('fs');
        console.log('main: ' + process.env['INPUT_MY-INPUT'] + ' ' + process.env['INPUT_SPACED_NAME'] + ' state=' + process.env.STATE_phase);
        fs.appendFileSync(process.env.GITHUB_OUTPUT, 'result=42\\n');
        fs.appendFileSync(process.env.GITHUB_STATE, 'fromMain=yes\\n');
        """
    static let postJS = """
        console.log('post: state=' + process.env.STATE_phase + ' ' + process.env.STATE_fromMain);
        """

    @Test("JavaScript actions: main → post (reverse order, after a failure), INPUT_*, state, outputs; no pre for local actions, as on GitHub")
    func javascript() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/node") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/node"), "node is needed for JavaScript actions")
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - id: first
                    uses: ./js
                    with:
                      my-input: given
                  - run: echo "output=${{ steps.first.outputs.result }}"
                  - id: second
                    uses: ./js2
                  - run: exit 1
            """, files: [
                "js/action.yml": Self.nodeAction, "js/pre.js": Self.preJS, "js/main.js": Self.mainJS, "js/post.js": Self.postJS,
                "js2/action.yml": "runs:\n  using: node16\n  main: main.js\n  post: post.js\n",
                "js2/main.js": "console.log('second main')", "js2/post.js": "console.log('second post')",
            ])
        defer { harness.remove() }
        let record = await harness.run()
        let output = record.output("t")
        #expect(output == [
            "main: given s state=undefined",
            "output=42",
            "second main",
            "second post",
            "post: state=undefined yes",
        ])
        #expect(record.logs("t").contains { $0.text == "`pre` execution is not supported for local action from './js'" })
        #expect(record.result("t") == .failure)
        #expect(record.logs("t").contains { $0.text.contains("asks for node16") })
    }

    @Test("a JavaScript action without node fails with a message saying so")
    func noNode() async throws {
        let harness = try WorkflowHarness("""
            on: push
            jobs:
              t:
                runs-on: host
                steps:
                  - uses: ./js
            """, files: ["js/action.yml": "runs:\n  using: node20\n  main: main.js\n", "js/main.js": ""])
        defer { harness.remove() }
        let record = await harness.run(configure: { $0.nodePath = "/nonexistent/node" })
        #expect(record.result("t") == .failure)
        #expect(record.logs("t").contains { $0.text.contains("needs Node.js") })
    }
}
