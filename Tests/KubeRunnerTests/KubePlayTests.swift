import Backends
import Forgejo
import ForgejoTestDouble
import Foundation
import Kube
import KubePod
import KubeTestDouble
import Testing
@testable import KubeRunner

/// The pods Hearth renders, run for real: `podman kube play` on an IPv6-only Podman network, the
/// real `hearth agent` in the pod dialling the controller (this test process) through the
/// network's gateway, the step shim in a busybox job container, a busybox web server as a service.
@Suite("Job pods run by podman kube play on an IPv6-only network", .serialized, .disabled(if: ProcessInfo.processInfo.environment["HEARTH_SKIP_PODMAN_TESTS"] == "1", "HEARTH_SKIP_PODMAN_TESTS=1: the tests that run real containers are skipped"))
struct KubePlayTests {
    /// An IPv6-only network, the API double with the podman kubelet, and a controller whose agents
    /// dial `http://[gateway]:port`.
    struct Setup {
        let network: String
        let gateway: String
        let kubelet: PodmanKubelet
        let harness: ControllerHarness

        static func start(forgejo: ForgejoEnd? = nil) async throws -> Setup? {
            guard ExecutableLookup.resolve("podman", path: ProcessInfo.processInfo.environment["PATH"]) != nil else {
                Issue.record("podman is not installed: run ../shared/ci/container-setup.sh, or set HEARTH_SKIP_PODMAN_TESTS=1")
                return nil
            }
            for image in ["localhost/busybox:test", "localhost/debian-ci:slim"] {
                guard await PodmanKubelet.run(["podman", "image", "exists", image]).code == 0 else {
                    Issue.record("the test image \(image) is missing: run ../shared/ci/container-setup.sh")
                    return nil
                }
            }
            guard FileManager.default.isExecutableFile(atPath: PodmanKubelet.hearthBinary) else {
                Issue.record("the hearth binary is not built at \(PodmanKubelet.hearthBinary)")
                return nil
            }
            let suffix = String(format: "%04x", UInt16.random(in: 0x100...0xfffe))
            let network = "hearth-kp-\(suffix)"
            let created = await PodmanKubelet.run(["podman", "network", "create", "--subnet", "fd00:\(suffix)::/64", network])
            guard created.code == 0 else {
                Issue.record("cannot create the IPv6-only network: \(created.output)")
                return nil
            }
            let gateway = "fd00:\(suffix)::1"
            let double = try await KubeDouble.start()
            let kubelet = try PodmanKubelet(double: double, network: network)
            await kubelet.start()
            let port = try FreePort.any()
            let harness = try await ControllerHarness.start(
                forgejo: forgejo, double: double, runPodsLocally: false, port: port, controllerURL: "http://[\(gateway)]:\(port)")
            return Setup(network: network, gateway: gateway, kubelet: kubelet, harness: harness)
        }

        func stop() async {
            // The kubelet's informers watch the double: they go first.
            await kubelet.stop()
            await harness.stopAll()
            _ = await PodmanKubelet.run(["podman", "network", "rm", "-f", network])
        }

        /// Runs `body`, then removes everything (also when `body` throws).
        static func run(_ body: (Setup) async throws -> Void) async throws {
            guard let setup = try await start() else { return }
            do {
                try await body(setup)
            } catch {
                await setup.stop()
                throw error
            }
            await setup.stop()
        }
    }

    @Test("a multi-step job with a service and a JavaScript action (node injected into busybox), across a controller restart mid-step")
    func serviceAndRestart() async throws {
        try await Setup.run { setup in
        let jobs = try setup.harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                services:
                  web:
                    image: localhost/busybox:test
                    entrypoint: /bin/sh
                    command: -c "mkdir -p /tmp/www && echo hello-from-web > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"
                outputs:
                  answer: ${{ steps.a.outputs.answer }}
                steps:
                  - name: service by name, over IPv4 and IPv6 loopback
                    run: |
                      echo "uid=$(id -u)"
                      for i in $(seq 1 100); do wget -qO- http://web:8080/ >/dev/null 2>&1 && break; sleep 0.1; done
                      echo "by name: $(wget -qO- http://web:8080/)"
                      echo "by ::1: $(wget -qO- 'http://[::1]:8080/')"
                  - id: a
                    run: echo "answer=42" >> "$GITHUB_OUTPUT"
                  - name: write a JavaScript action (the busybox job image has no node)
                    run: |
                      mkdir -p act
                      printf 'runs:\\n  using: node20\\n  main: index.js\\n' > act/action.yml
                      echo 'console.log("js in busybox: " + process.execPath)' > act/index.js
                      command -v node || echo "no node in the job image"
                  - uses: ./act
                  - name: wait
                    run: |
                      echo waiting
                      while [ ! -e /__w/go ]; do sleep 0.1; done
                      echo released
            """)
        let job = try #require(jobs.first)
        let forgejo = setup.harness.forgejo
        let kubelet = setup.kubelet
        let waiting = try await forgejo.double.waitForTask(timeout: .seconds(180), description: "the waiting step") {
            $0.logContents.contains("waiting") || $0.status.isDone || !kubelet.failures.isEmpty
        }
        try #require(setup.kubelet.failures.isEmpty, "\(setup.kubelet.failures)")
        try #require(waiting.logContents.contains("waiting"), "\(waiting.logContents)")
        let podName = try #require(await setup.harness.double.objects(.pods, namespace: "default").first?.objectName)

        // The controller goes away; the pod and its step keep running; a new controller on the same
        // address adopts the pod when the agent calls again.
        await setup.harness.stopController()
        let second = try await ControllerHarness.start(
            forgejo: forgejo, double: setup.harness.double, runPodsLocally: false, port: setup.harness.port,
            controllerURL: "http://[\(setup.gateway)]:\(setup.harness.port)")
        let touched = await PodmanKubelet.run(["podman", "exec", "\(podName)-\(PodLayout.jobContainer)", "touch", "/__w/go"])
        #expect(touched.code == 0, "\(touched.output)")

        let finished = try await second.finished(job, .success)
        let rows = finished.logContents
        #expect(rows.contains("uid=1001"))
        #expect(rows.contains("by name: hello-from-web"))
        #expect(rows.contains("by ::1: hello-from-web"))
        #expect(finished.outputs == ["answer": "42"])
        #expect(rows.contains("no node in the job image"))
        #expect(rows.contains("js in busybox: /__w/_hearth/node/ld.so"), "the agent's node, copied onto the shared volume: \(rows)")
        for line in ["waiting", "released"] {
            #expect(rows.filter { $0 == line }.count == 1, "'\(line)' once in \(rows)")
        }
        #expect(await setup.kubelet.waitUntil { $0.isEmpty }, "the pod is deleted at the end")
        await second.stopController()
        }
    }

    @Test("cancelled mid-step: the step gets SIGTERM in the container, always() runs, the pod is removed")
    func cancel() async throws {
        try await Setup.run { setup in
        let jobs = try setup.harness.forgejo.double.queue(workflowYAML: """
            on: push
            jobs:
              build:
                runs-on: k8s
                steps:
                  - run: |
                      trap 'echo got TERM; exit 143' TERM
                      echo sleeping
                      while :; do sleep 0.1; done
                  - if: always()
                    run: echo cleanup ran
            """)
        let forgejo = setup.harness.forgejo
        let kubelet = setup.kubelet
        let task = try await forgejo.double.waitForTask(timeout: .seconds(180), description: "the sleeping step") {
            $0.logContents.contains("sleeping") || $0.status.isDone || !kubelet.failures.isEmpty
        }
        try #require(setup.kubelet.failures.isEmpty, "\(setup.kubelet.failures)")
        #expect(try forgejo.double.cancel(taskID: task.id))
        let finished = try await setup.harness.finished(try #require(jobs.first), .cancelled)
        #expect(finished.logContents.contains("got TERM"))
        #expect(finished.logContents.contains("cleanup ran"))
        #expect(await setup.kubelet.waitUntil { $0.isEmpty }, "the pod is deleted at the end")
        }
    }
}

/// A free TCP port on `::` (bound and released; the controller binds it right after).
enum FreePort {
    static func any() throws -> Int {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StepAgent.Failure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = 0
        address.sin6_addr = in6addr_any
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw StepAgent.Failure(description: "bind failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw StepAgent.Failure(description: "getsockname failed") }
        return Int(UInt16(bigEndian: address.sin6_port))
    }
}
