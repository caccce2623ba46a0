import Foundation
import HearthTestSupport
import Testing

@Suite("hearth exec --backend podman")
struct ExecPodmanTests {
    static var podmanAvailable: Bool {
        ["/usr/bin/podman", "/usr/local/bin/podman"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("a job runs in a container of -i IMAGE with the repository as its workspace; a bad service fails clearly")
    func jobInContainer() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(Self.podmanAvailable, "podman is needed: run ../shared/ci/container-setup.sh (or set HEARTH_SKIP_PODMAN_TESTS=1)")
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  inside:
                    runs-on: any
                    steps:
                      - run: echo "kernel $(uname -s) user $(id -u)"; test -x /bin/busybox && test ! -e /opt/swift && echo in-a-container
                      - run: echo written-in-container > out.txt
                  broken:
                    runs-on: any
                    services:
                      db:
                        image: localhost/busybox:test
                        options: --privileged
                    steps:
                      - run: echo never
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "-i", "localhost/busybox:test"])
        #expect(result.status == 1, "the broken job fails the run")
        #expect(result.stdout.contains("in-a-container"), "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOfFile: repo + "/out.txt", encoding: .utf8) == "written-in-container\n")
        #expect(result.stdout.contains("--privileged"), "\(result.stdout)")
        #expect(!result.stdout.contains("never"))
    }
}

extension ExecPodmanTests {
    @Test("JavaScript actions (local and remote: main, post, inputs, outputs) and a remote composite run in a busybox job container with the runner's node injected")
    func javaScriptActionWithoutNodeInImage() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(Self.podmanAvailable, "podman is needed: run ../shared/ci/container-setup.sh (or set HEARTH_SKIP_PODMAN_TESTS=1)")
        let repo = try HearthBinary.repository([
            ".forgejo/actions/greet/action.yml": """
                inputs:
                  who: {required: true}
                outputs:
                  greeting: {description: the greeting}
                runs:
                  using: node20
                  pre: pre.js
                  main: main.js
                  post: post.js
                """,
            ".forgejo/actions/greet/pre.js": "require('fs').appendFileSync(process.env.GITHUB_STATE, 'phase=pre-ran\\n');\n",
            ".forgejo/actions/greet/main.js": """
                const fs = require('fs');
                console.log(`hello ${process.env.INPUT_WHO} (state ${process.env.STATE_phase}) with node ${process.version} at ${process.execPath}`);
                fs.appendFileSync(process.env.GITHUB_OUTPUT, `greeting=hi ${process.env.INPUT_WHO}\\n`);
                fs.writeFileSync('from-js.txt', 'js was here');
                """,
            ".forgejo/actions/greet/post.js": "console.log('post ran');\n",
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  js:
                    runs-on: any
                    container:
                      image: localhost/busybox:test
                    steps:
                      - run: command -v node || echo "no node in the image"
                      - id: greet
                        uses: ./.forgejo/actions/greet
                        with:
                          who: busybox
                      - run: echo "output was ${{ steps.greet.outputs.greeting }}"
                      - uses: acme/remote-js@v1
                      - uses: acme/remote-composite@v1
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        // Remote actions are fetched into the action cache on this machine, which the job
        // container sees read-only.
        let repos = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-exec-actions-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: repos) }
        try GitFixture.makeRepository(at: repos, name: "acme/remote-js", files: [
            "action.yml": "runs:\n  using: node16\n  main: index.js\n",
            "index.js": "console.log(`remote js from ${__dirname}`);\n",
        ], tags: ["v1"])
        try GitFixture.makeRepository(at: repos, name: "acme/remote-composite", files: [
            "action.yml": "runs:\n  using: composite\n  steps:\n    - shell: sh\n      run: cat \"$GITHUB_ACTION_PATH/data.txt\"\n",
            "data.txt": "composite data read in the container\n",
        ], tags: ["v1"])
        let git = try GitHTTPServer(root: repos)
        defer { git.stop() }
        let cache = repos + "-cache"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let result = try await HearthBinary.run([
            "exec", "-C", repo, "--backend", "podman", "--default-actions-url", git.baseURL, "--action-cache", cache,
        ])
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(output.contains("no node in the image"))
        #expect(output.contains("hello busybox (state undefined) with node v"), "\(output)")
        #expect(output.contains("`pre` execution is not supported for local action"))
        #expect(output.contains("at /__hearth/node/ld.so"), "the injected node ran: \(output)")
        #expect(output.contains("output was hi busybox"))
        #expect(output.contains("post ran"))
        #expect(output.contains("remote js from /__hearth/actions/"), "\(output)")
        #expect(output.contains("composite data read in the container"))
        #expect(try String(contentsOfFile: repo + "/from-js.txt", encoding: .utf8) == "js was here")
    }
}

extension ExecPodmanTests {
    static let dockerfileAction = [
        "act/action.yml": """
            inputs:
              who: {default: world}
            outputs:
              greeting: {description: the greeting}
            runs:
              using: docker
              image: Dockerfile
              args: ["${{ inputs.who }}", "second arg"]
              env:
                FROM_RUNS: "env for ${{ inputs.who }}"
              post-entrypoint: /post.sh
            """,
        "act/Dockerfile": "FROM localhost/busybox:test\nCOPY entry.sh /entry.sh\nCOPY post.sh /post.sh\nRUN chmod +x /post.sh\nENTRYPOINT [\"/bin/sh\", \"/entry.sh\"]\n",
        "act/entry.sh": """
            echo "hello $1 / $2 / $FROM_RUNS / INPUT_WHO=$INPUT_WHO / in $(pwd)"
            echo "greeting=hi $1" >> "$GITHUB_OUTPUT"
            echo from-docker > docker-wrote.txt
            echo "service says $(wget -qO- http://web:8080/)"
            """,
        "act/post.sh": "#!/bin/sh\necho post entrypoint ran\n",
    ]

    @Test("Docker actions run beside the job in its pod: docker:// steps, a Dockerfile action (args, env, outputs, post-entrypoint) and a remote image action with pre-entrypoint")
    func dockerActions() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(Self.podmanAvailable, "podman is needed: run ../shared/ci/container-setup.sh (or set HEARTH_SKIP_PODMAN_TESTS=1)")
        var files = Self.dockerfileAction
        files[".forgejo/workflows/ci.yml"] = """
            on: push
            jobs:
              dk:
                runs-on: any
                container:
                  image: localhost/busybox:test
                services:
                  web:
                    image: localhost/busybox:test
                    entrypoint: /bin/sh
                    command: -c "mkdir -p /tmp/www && echo hello-from-web > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"
                steps:
                  - run: for i in $(seq 1 100); do wget -qO- http://web:8080/ >/dev/null 2>&1 && break; sleep 0.1; done
                  - id: image
                    uses: docker://localhost/busybox:test
                    with:
                      entrypoint: /bin/sh
                      args: -c "echo image step in $(pwd) sees $INPUT_COLOR; echo image-out=yes >> $GITHUB_OUTPUT"
                      color: blue
                  - id: a
                    uses: ./act
                    with:
                      who: hearth
                  - uses: acme/docker-remote@v1
                  - run: echo "outputs ${{ steps.image.outputs.image-out }} ${{ steps.a.outputs.greeting }}; $(cat docker-wrote.txt)"
            """
        let repo = try HearthBinary.repository(files)
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let repos = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-exec-docker-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: repos) }
        try GitFixture.makeRepository(at: repos, name: "acme/docker-remote", files: [
            "action.yml": """
                runs:
                  using: docker
                  image: docker://localhost/busybox:test
                  pre-entrypoint: /bin/echo
                  entrypoint: /bin/sh
                  args: ["-c", "echo remote docker action on $(uname -s)"]
                """,
        ], tags: ["v1"])
        let git = try GitHTTPServer(root: repos)
        defer { git.stop() }
        let result = try await HearthBinary.run([
            "exec", "-C", repo, "--backend", "podman", "--default-actions-url", git.baseURL, "--action-cache", repos + "-cache",
        ])
        defer { try? FileManager.default.removeItem(atPath: repos + "-cache") }
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        let workspace = "/workspace/local/" + (repo as NSString).lastPathComponent
        #expect(output.contains("image step in \(workspace) sees blue"), "\(output)")
        #expect(output.contains("hello hearth / second arg / env for hearth / INPUT_WHO=hearth / in \(workspace)"))
        #expect(output.contains("service says hello-from-web"), "a Docker action shares the job's network")
        #expect(output.contains("remote docker action on Linux"))
        #expect(output.contains("Pre Run acme/docker-remote@v1"), "pre-entrypoint of a remote action runs at set-up")
        #expect(output.contains("outputs yes hi hearth; from-docker"))
        #expect(output.contains("post entrypoint ran"))
        #expect(try String(contentsOfFile: repo + "/docker-wrote.txt", encoding: .utf8) == "from-docker\n")
    }

    @Test("Docker action failures are clear: an image that cannot be had, a Dockerfile that does not build, a non-zero exit")
    func dockerActionFailures() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(Self.podmanAvailable, "podman is needed: run ../shared/ci/container-setup.sh (or set HEARTH_SKIP_PODMAN_TESTS=1)")
        let repo = try HearthBinary.repository([
            "broken/action.yml": "runs:\n  using: docker\n  image: Dockerfile\n",
            "broken/Dockerfile": "FROM localhost/busybox:test\nRUN exit 3\n",
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  missing:
                    runs-on: any
                    container: {image: localhost/busybox:test}
                    steps:
                      - uses: docker://localhost/hearth-no-such-image:1
                  build:
                    runs-on: any
                    container: {image: localhost/busybox:test}
                    steps:
                      - uses: ./broken
                  exit:
                    runs-on: any
                    container: {image: localhost/busybox:test}
                    steps:
                      - uses: docker://localhost/busybox:test
                        with: {entrypoint: /bin/sh, args: -c "exit 7"}
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "--backend", "podman"])
        let output = result.stdout + result.stderr
        #expect(result.status == 1)
        #expect(output.contains("localhost/hearth-no-such-image:1"), "\(output)")
        #expect(output.contains("Cannot build the image of './broken'"), "\(output)")
        #expect(output.contains("Process completed with exit code 7."))
    }
}
