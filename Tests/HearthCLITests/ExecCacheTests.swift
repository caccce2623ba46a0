import Foundation
import Testing

@Suite("hearth exec with the embedded cache server")
struct ExecCacheTests {
    /// Two jobs: one saves an entry with the protocol's requests (curl), the next restores it by
    /// restore-key prefix and sees a miss answered 204. `placement` goes under each job.
    static func workflow(placement: String) -> String {
        #"""
                on: push
                jobs:
                  save:
                    \#(placement)
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
                    \#(placement)
                    steps:
                      - run: |
                          set -e
                          api="${ACTIONS_CACHE_URL}_apis/artifactcache"
                          location=$(curl -sf "$api/cache?keys=deps-linux-,deps-&version=v1" | sed -E 's/.*"archiveLocation": *"([^"]+)".*/\1/')
                          echo "restored: $(curl -sf "$location")"
                          test "$(curl -s -o /dev/null -w '%{http_code}' "$api/cache?keys=other-&version=v1")" = 204 && echo miss-is-204
                """#
    }

    @Test("a job saves a cache entry through ACTIONS_CACHE_URL; the next job restores it by restore-key prefix")
    func saveThenRestore() async throws {
        let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cache-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        let repo = try HearthBinary.repository([".forgejo/workflows/cache.yml": Self.workflow(placement: "runs-on: host")])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run(["exec", "-C", repo, "--cache-server-path", cacheDirectory])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("restored: cached-bytes"), "\(result.stdout)")
        #expect(result.stdout.contains("miss-is-204"), "\(result.stdout)")
    }

    @Test("the same from Podman job containers on an IPv6-only network: the host is named there and the server answers on ::")
    func saveThenRestoreOverIPv6() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        try #require(ExecPodmanTests.podmanAvailable, "podman is needed: run ../shared/ci/container-setup.sh")
        let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cache-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        let placement = "runs-on: any\n    container: {image: localhost/debian-ci:slim}"
        var workflow = Self.workflow(placement: placement)
        workflow = workflow.replacingOccurrences(of: "test -n \"$ACTIONS_CACHE_URL\"", with: "test -n \"$ACTIONS_CACHE_URL\"; getent ahosts host.containers.internal | head -1")
        let repo = try HearthBinary.repository([".forgejo/workflows/cache.yml": workflow])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let result = try await HearthBinary.run([
            "exec", "-C", repo, "--backend", "podman", "--network", "ipv6-only", "--cache-server-path", cacheDirectory,
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("fd00:"), "host.containers.internal is the IPv6 gateway: \(result.stdout)")
        #expect(result.stdout.contains("restored: cached-bytes"), "\(result.stdout)")
        #expect(result.stdout.contains("miss-is-204"))
    }
}
