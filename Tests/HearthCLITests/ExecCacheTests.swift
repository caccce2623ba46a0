import Foundation
import Testing

@Suite("hearth exec with the embedded cache server")
struct ExecCacheTests {
    @Test("a job saves a cache entry through ACTIONS_CACHE_URL; the next job restores it by restore-key prefix")
    func saveThenRestore() async throws {
        let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cache-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/cache.yml": #"""
                on: push
                jobs:
                  save:
                    runs-on: host
                    steps:
                      - run: |
                          set -e
                          test -n "$ACTIONS_CACHE_URL"
                          api="${ACTIONS_CACHE_URL}_apis/artifactcache"
                          id=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"key":"deps-linux-abc","version":"v1"}' "$api/caches" | sed -E 's/.*"cacheId": *([0-9]+).*/\1/')
                          printf 'cached-bytes' > payload
                          curl -sf -X PATCH -H 'Content-Type: application/octet-stream' -H 'Content-Range: bytes 0-11/*' --data-binary @payload "$api/caches/$id"
                          curl -sf -X POST -H 'Content-Type: application/json' -d '{"size":12}' "$api/caches/$id"
                          echo saved-$id
                  restore:
                    needs: save
                    runs-on: host
                    steps:
                      - run: |
                          set -e
                          api="${ACTIONS_CACHE_URL}_apis/artifactcache"
                          location=$(curl -sf "$api/cache?keys=deps-linux-,deps-&version=v1" | sed -E 's/.*"archiveLocation": *"([^"]+)".*/\1/')
                          echo "restored: $(curl -sf "$location")"
                          test "$(curl -s -o /dev/null -w '%{http_code}' "$api/cache?keys=other-&version=v1")" = 204 && echo miss-is-204
                """#,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "--cache-server-path", cacheDirectory])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("restored: cached-bytes"), "\(result.stdout)")
        #expect(result.stdout.contains("miss-is-204"), "\(result.stdout)")
    }
}
