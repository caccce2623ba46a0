import Foundation
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
