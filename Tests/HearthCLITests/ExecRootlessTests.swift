import Foundation
import Testing

/// One job against a rootless Podman: an unprivileged user runs `hearth exec --backend podman`,
/// which starts that user's own `podman system service`. Needs root to create the user; when the
/// machine cannot run rootless containers the test says why and does nothing else.
@Suite("hearth exec against a rootless Podman")
struct ExecRootlessTests {
    static let user = "hearth-rootless"

    @Test("a job with a service runs in an unprivileged user's Podman; files it writes belong to that user")
    func rootlessJob() async throws {
        if ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1" { return }
        let setup: RootlessUser
        switch await RootlessUser.prepare(name: Self.user) {
        case .ready(let user): setup = user
        case .impossible(let reason):
            print("rootless Podman test not run: \(reason)")
            return
        }
        let repo = try HearthBinary.repository([
            ".forgejo/workflows/ci.yml": """
                on: push
                jobs:
                  rootless:
                    runs-on: any
                    container:
                      image: localhost/busybox:test
                    services:
                      web:
                        image: localhost/busybox:test
                        entrypoint: /bin/sh
                        command: -c "mkdir -p /tmp/www && echo hello-rootless > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"
                    steps:
                      - run: |
                          echo "inside uid $(id -u)"
                          for i in $(seq 1 100); do wget -qO- http://web:8080/ >/dev/null 2>&1 && break; sleep 0.1; done
                          echo "service: $(wget -qO- http://web:8080/)"
                          echo written > out.txt
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try setup.own(repo)
        let result = try await setup.run("NO_COLOR=1 \(HearthBinary.path) exec -C \(repo) --backend podman")
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(output.contains("inside uid 0"), "root in the container is the user outside: \(output)")
        #expect(output.contains("service: hello-rootless"))
        let owner = try FileManager.default.attributesOfItem(atPath: repo + "/out.txt")[.ownerAccountID] as? Int
        #expect(owner == setup.uid, "out.txt belongs to \(Self.user) (uid \(setup.uid)), not root: \(owner.map(String.init) ?? "?")")
        let pods = try await setup.run("podman pod ps -q")
        #expect(pods.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the job's pod is gone: \(pods.stdout)")
    }
}

/// An unprivileged user able to run rootless Podman, prepared by root: subordinate ids, a
/// runtime directory, and the busybox test image in the user's own storage.
struct RootlessUser {
    let name: String
    let uid: Int
    let runtimeDirectory: String

    enum Preparation {
        case ready(RootlessUser)
        case impossible(String)
    }

    static func prepare(name: String) async -> Preparation {
        guard getuid() == 0 else { return .impossible("the tests do not run as root, so they cannot create a user") }
        for tool in ["/usr/sbin/useradd", "/usr/bin/newuidmap", "/usr/bin/su", "/usr/bin/podman"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return .impossible("\(tool) is missing")
        }
        if await sh("id -u \(name)").status != 0 {
            let created = await sh("useradd -m -s /bin/sh \(name)")
            guard created.status == 0 else { return .impossible("useradd failed: \(created.stderr)") }
        }
        let subordinate = (try? String(contentsOfFile: "/etc/subuid", encoding: .utf8)) ?? ""
        if !subordinate.split(separator: "\n").contains(where: { $0.hasPrefix("\(name):") }) {
            let added = await sh("usermod --add-subuids 300000-365535 --add-subgids 300000-365535 \(name)")
            guard added.status == 0 else { return .impossible("cannot give \(name) subordinate ids: \(added.stderr)") }
        }
        // slirp4netns (rootless networking) opens /dev/net/tun, which distributions leave 0666.
        var tun = stat()
        if stat("/dev/net/tun", &tun) != 0 { return .impossible("/dev/net/tun does not exist (rootless networking needs it)") }
        if tun.st_mode & 0o006 != 0o006 {
            return .impossible("/dev/net/tun is mode \(String(tun.st_mode & 0o777, radix: 8)): rootless networking needs it readable and writable by all (0666, the usual setting; .ci/run sets it)")
        }
        let id = await sh("id -u \(name)")
        guard let uid = Int(id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { return .impossible("no uid for \(name)") }
        let user = RootlessUser(name: name, uid: uid, runtimeDirectory: "/tmp/hearth-rootless-run-\(uid)")
        _ = await sh("mkdir -p \(user.runtimeDirectory) && chown \(name) \(user.runtimeDirectory) && chmod 700 \(user.runtimeDirectory)")
        if (try? await user.run("podman image exists localhost/busybox:test"))?.status != 0 {
            let archive = "/tmp/hearth-rootless-busybox.tar"
            let saved = await sh("rm -f \(archive) && podman save -o \(archive) localhost/busybox:test && chmod 644 \(archive)")
            guard saved.status == 0 else { return .impossible("cannot export the busybox test image: \(saved.stderr)") }
            let loaded = try? await user.run("podman load -i \(archive)")
            guard loaded?.status == 0 else { return .impossible("the user's Podman cannot load an image: \(loaded?.stderr ?? "")") }
        }
        let probe = try? await user.run("podman run --rm localhost/busybox:test true")
        guard probe?.status == 0 else {
            return .impossible("this machine cannot run rootless containers: \(probe?.stderr.suffix(400) ?? "")")
        }
        return .ready(user)
    }

    /// Runs a shell command line as the user, in a login environment with its runtime directory.
    func run(_ command: String) async throws -> HearthBinary.Result {
        try await HearthBinary.runProgram("/usr/bin/su", ["-", name, "-c", "export XDG_RUNTIME_DIR=\(runtimeDirectory); \(command)"])
    }

    func own(_ path: String) throws {
        guard chown(path, uid_t(uid), gid_t(bitPattern: -1)) == 0 else { throw POSIXError(.EPERM) }
        for item in FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [] {
            _ = chown("\(path)/\(item)", uid_t(uid), gid_t(bitPattern: -1))
        }
    }

    private static func sh(_ command: String) async -> HearthBinary.Result {
        (try? await HearthBinary.runProgram("/bin/sh", ["-c", command])) ?? HearthBinary.Result(status: -1, stdout: "", stderr: "cannot run sh")
    }
}
