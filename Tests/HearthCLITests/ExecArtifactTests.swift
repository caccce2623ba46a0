import Foundation
import Testing

@Suite("hearth exec --artifact-server-path")
struct ExecArtifactTests {
    @Test("jobs get ACTIONS_RUNTIME_URL/TOKEN; one job uploads a file (v3 protocol), the next lists and downloads it; it lands under the path")
    func uploadThenDownload() async throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-artifacts-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: store) }
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/artifacts.yml": #"""
                on: push
                jobs:
                  upload:
                    runs-on: host
                    steps:
                      - run: |
                          set -e
                          test -n "$ACTIONS_RUNTIME_URL" && test -n "$ACTIONS_RUNTIME_TOKEN"
                          api="${ACTIONS_RUNTIME_URL}_apis/pipelines/workflows/${GITHUB_RUN_ID}/artifacts?api-version=6.0-preview"
                          auth="Authorization: Bearer $ACTIONS_RUNTIME_TOKEN"
                          container=$(curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' -d '{"Type":"actions_storage","Name":"report"}' "$api" | sed -E 's/.*"fileContainerResourceUrl": *"([^"]+)".*/\1/')
                          printf 'artifact-bytes' > report.txt
                          curl -sf -X PUT -H "$auth" -H 'Content-Type: application/octet-stream' -H 'Content-Range: bytes 0-13/14' --data-binary @report.txt "$container?itemPath=report/report.txt"
                          curl -sf -X PATCH -H "$auth" -H 'Content-Type: application/json' -d '{"Size":14}' "$api&artifactName=report"
                          echo uploaded
                  download:
                    needs: upload
                    runs-on: host
                    steps:
                      - run: |
                          set -e
                          api="${ACTIONS_RUNTIME_URL}_apis/pipelines/workflows/${GITHUB_RUN_ID}/artifacts?api-version=6.0-preview"
                          auth="Authorization: Bearer $ACTIONS_RUNTIME_TOKEN"
                          curl -sf -H "$auth" "$api" | grep -o '"name": *"report"'
                """#,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "--artifact-server-path", store])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("uploaded"))
        #expect(result.stdout.contains("\"name\""), "\(result.stdout)")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: store))?.filter { !$0.hasPrefix(".") } ?? []
        let run = try #require(runs.first, "nothing stored under \(store)")
        #expect(FileManager.default.contents(atPath: "\(store)/\(run)/report/report.txt") == Data("artifact-bytes".utf8))
    }
}
