import Backends
import Foundation
import KubePod
import KubeRunner

/// `kube-step [count]`: the cost of starting a step inside a job pod. `count` × `/bin/sh -c true`
/// through `ShimEnvironment` (the real step shim under `/bin/sh`, driven over its FIFOs, as in a
/// pod) against the same command spawned directly (`HostEnvironment`), in alternating rounds.
enum StepBench {
    static func run(count: Int, rounds: Int = 5) async throws {
        let root = try Bench.temporaryDirectory("hearth-kube-step")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let host = try HostEnvironment(workspace: root, runnerTemp: "\(root)/_host_temp", toolCache: nil)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let shim = try await host.start(
            ProcessSpec(executable: "/bin/sh", arguments: ["-c", StepShim.script], environment: ["PATH": path, "HEARTH_SHIM_DIR": "\(root)/_hearth"],
                        workingDirectory: root))
        let link = try ShimLink(directory: "\(root)/_hearth")
        guard await link.waitUntilReady(timeout: .seconds(30)) else { throw Bench.Failure("the step shim did not start") }
        let pod = ShimEnvironment(link: link, root: root)

        // The same process for both: what a `run:` step's shell start costs, without the engine.
        let spec = ProcessSpec(executable: "/bin/sh", arguments: ["-c", "true"], environment: ["PATH": path, "HOME": root], workingDirectory: root)
        let clock = ContinuousClock()
        func time(_ environment: any ExecutionEnvironment) async throws -> [Double] {
            var samples: [Double] = []
            samples.reserveCapacity(count)
            for _ in 0..<count {
                let started = clock.now
                let process = try await environment.start(spec)
                for await _ in process.lines {}
                let code = await process.waitForExit()
                samples.append(Bench.seconds(clock.now - started))
                guard code == 0 else { throw Bench.Failure("`true` exited with \(code) in \(environment.kind)") }
            }
            return samples
        }

        // Warm-up, then alternate so that machine noise hits both.
        _ = try await time(host)
        _ = try await time(pod)
        var direct: [Double] = []
        var shimmed: [Double] = []
        for _ in 0..<rounds {
            direct += try await time(host)
            shimmed += try await time(pod)
        }
        link.send("exit")
        _ = await shim.waitForExit()

        let directP50 = Bench.percentile(direct, 0.5)
        let shimP50 = Bench.percentile(shimmed, 0.5)
        print("kube-step: \(count) × `/bin/sh -c true` per round, \(rounds) alternating rounds (\(direct.count) samples each)")
        print(String(format: "  direct spawn (HostEnvironment): p50 %.2f ms, p99 %.2f ms", directP50 * 1000, Bench.percentile(direct, 0.99) * 1000))
        print(String(format: "  through the step shim:          p50 %.2f ms, p99 %.2f ms", shimP50 * 1000, Bench.percentile(shimmed, 0.99) * 1000))
        print(String(format: "  overhead per step: p50 %+.2f ms (target ≤ 50 ms), p99 %+.2f ms; ratio p50 %.2f×",
                     (shimP50 - directP50) * 1000, (Bench.percentile(shimmed, 0.99) - Bench.percentile(direct, 0.99)) * 1000, shimP50 / directP50))
        print("  load average: \(Bench.loadAverage)")
    }
}
