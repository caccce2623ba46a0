import Foundation
@testable import HearthCLI
import HearthTestSupport
import Testing

/// `actions/checkout` in `hearth exec`: skipped by default; with `--no-skip-checkout` it runs in
/// an empty workspace of its own (checkout cleans its target: never the working tree) and clones
/// from the instance the origin remote points at.
@Suite("hearth exec: checkout")
struct ExecCheckoutTests {
    @Test("--no-skip-checkout runs checkout in an empty workspace, cloning from the origin remote's instance; the working tree is untouched")
    func noSkipCheckout() async throws {
        let repos = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-checkout-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: repos) }
        // A stand-in for actions/checkout (the real one is exercised by hand, see docs/actions.md):
        // it cleans its target, as checkout does, then clones server_url/repository.
        try GitFixture.makeRepository(at: repos, name: "actions/checkout", files: [
            "action.yml": """
                runs:
                  using: composite
                  steps:
                    - shell: sh
                      run: |
                        rm -rf ./* ./.[!.]* 2>/dev/null || true
                        git clone -q "${{ github.server_url }}/${{ github.repository }}.git" .
                        echo "checked out $(cat marker.txt) into $(pwd)"
                """,
        ], tags: ["v4"])
        _ = try GitFixture.makeRepository(at: repos, name: "acme/app", files: ["marker.txt": "server-copy"])
        let git = try GitHTTPServer(root: repos)
        defer { git.stop() }

        let working = try HearthBinary.repository([
            "marker.txt": "working-tree-copy",
            "uncommitted.txt": "precious",
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  build:
                    runs-on: any
                    steps:
                      - run: echo "server ${{ github.server_url }} repo ${{ github.repository }}"
                      - uses: actions/checkout@v4
                      - run: echo "workspace now has $(cat marker.txt)"
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: working) }
        _ = try await HearthBinary.runProgram("/usr/bin/git", ["-C", working, "init", "-q"])
        _ = try await HearthBinary.runProgram("/usr/bin/git", ["-C", working, "remote", "add", "origin", "\(git.baseURL)/acme/app.git"])

        let result = try await HearthBinary.run([
            "exec", "-C", working, "--no-skip-checkout", "--default-actions-url", git.baseURL, "--action-cache", repos + "-cache",
        ])
        defer { try? FileManager.default.removeItem(atPath: repos + "-cache") }
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(output.contains("server \(git.baseURL) repo acme/app"), "the instance comes from the origin remote: \(output)")
        #expect(output.contains("checked out server-copy into /"))
        #expect(output.contains("workspace now has server-copy"))
        #expect(output.contains("pass --secret GITHUB_TOKEN="), "the missing token is pointed out")
        #expect(try String(contentsOfFile: working + "/uncommitted.txt", encoding: .utf8) == "precious", "the working tree is never cleaned")
        #expect(try String(contentsOfFile: working + "/marker.txt", encoding: .utf8) == "working-tree-copy")
        #expect(FileManager.default.fileExists(atPath: working + "/.git"))

        // Without the flag checkout is skipped and the job runs in the working tree; --server-url wins over the remote.
        let skipped = try await HearthBinary.run([
            "exec", "-C", working, "--default-actions-url", git.baseURL, "--server-url", "https://forgejo.example.org/",
        ])
        #expect(skipped.status == 0, "\(skipped.stdout)\(skipped.stderr)")
        #expect(skipped.stdout.contains("server https://forgejo.example.org repo acme/app"))
        #expect(skipped.stdout.contains("workspace now has working-tree-copy"))
    }

    @Test("the instance is derived from the origin remote: http(s) with sub-paths and credentials, scp-like and ssh URLs")
    func serverFromRemote() {
        #expect(LocalRepository.serverURL(fromRemote: "https://code.example.org/owner/app.git") == "https://code.example.org")
        #expect(LocalRepository.serverURL(fromRemote: "https://user:secret@code.example.org:3000/sub/owner/app") == "https://code.example.org:3000/sub")
        #expect(LocalRepository.serverURL(fromRemote: "http://[::1]:8080/owner/app.git") == "http://[::1]:8080")
        #expect(LocalRepository.serverURL(fromRemote: "git@code.example.org:owner/app.git") == "https://code.example.org")
        #expect(LocalRepository.serverURL(fromRemote: "ssh://git@code.example.org:2222/owner/app.git") == "https://code.example.org")
        #expect(LocalRepository.serverURL(fromRemote: "https://code.example.org/app") == nil)
    }
}
