import Foundation
import Testing

/// `hearth register` + `hearth daemon` against `hearth-forgejo-double`, all inside a network
/// namespace whose loopback has no 127.0.0.1, only ::1 and fd00::1: nothing may assume IPv4.
@Suite("Daemon in an IPv6-only network namespace")
struct IPv6OnlyDaemonTests {
    static var canMakeNamespaces: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
    }

    @Test("register, fetch and run a job with the instance at http://[fd00::1]:PORT")
    func ipv6Only() async throws {
        try #require(Self.canMakeNamespaces, "needs root and iproute2 (ip netns) to build an IPv6-only namespace")
        let binaries = (HearthBinary.path as NSString).deletingLastPathComponent
        let double = binaries + "/hearth-forgejo-double"
        try #require(FileManager.default.isExecutableFile(atPath: double), "hearth-forgejo-double is built with the tests")
        let namespace = "hearth6-\(UUID().uuidString.prefix(6).lowercased())"
        let work = try HearthBinary.repository([
            "wf.yml": """
                on: push
                jobs:
                  hello:
                    runs-on: v6
                    steps:
                      - run: echo "hello over ipv6 from $GITHUB_SERVER_URL"
                      - run: ip -4 addr show dev lo | grep -c inet || true
                """,
            "run.sh": """
                set -u
                cd "$WORK"
                ip link set lo up
                ip addr del 127.0.0.1/8 dev lo 2>/dev/null || true
                ip -6 addr add fd00::1/128 dev lo nodad
                echo "loopback: $(ip -o addr show dev lo | awk '{print $4}' | tr '\\n' ' ')"
                T=0123456789abcdef0123456789abcdef01234567
                "$DOUBLE" --listen '[fd00::1]:3990' --registration-token $T > double.log 2>&1 &
                DOUBLE_PID=$!
                up=no
                for i in $(seq 1 100); do
                  if curl -sf -g 'http://[fd00::1]:3990/_double/registration-token' > /dev/null; then up=yes; break; fi
                  sleep 0.1
                done
                echo "double up: $up"
                "$HEARTH" register --no-interactive --instance 'http://[fd00::1]:3990' --token $T --name v6 --labels v6:host 2>&1
                "$HEARTH" daemon -c config.yml > daemon.log 2>&1 &
                DAEMON_PID=$!
                curl -sf -g --data-binary @wf.yml 'http://[fd00::1]:3990/_double/runs' > /dev/null
                status=none
                for i in $(seq 1 300); do
                  status=$(curl -sf -g 'http://[fd00::1]:3990/_double/tasks/1' | grep -o '"status" *: *"[a-z]*"' | head -1)
                  case "$status" in *success*|*failure*|*cancelled*) break ;; esac
                  sleep 0.1
                done
                echo "task status: $status"
                curl -sf -g 'http://[fd00::1]:3990/_double/tasks/1/log'
                kill -TERM $DAEMON_PID; wait $DAEMON_PID
                echo "daemon exit: $?"
                kill $DOUBLE_PID; wait $DOUBLE_PID 2>/dev/null
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: work) }
        try "runner:\n  fetch_interval: 100ms\n  report_interval: 100ms\nhost:\n  workdir_parent: \(work)/hostwork\n"
            .write(toFile: work + "/config.yml", atomically: true, encoding: .utf8)

        _ = await HearthBinary.onThread { Self.run("/usr/sbin/ip", ["netns", "add", namespace]) }
        defer { Self.run("/usr/sbin/ip", ["netns", "delete", namespace]) }
        let hearth = HearthBinary.path
        let output = await HearthBinary.onThread {
            Self.run("/usr/sbin/ip", ["netns", "exec", namespace, "/bin/bash", work + "/run.sh"], environment: ["WORK": work, "DOUBLE": double, "HEARTH": hearth])
        }
        #expect(!output.contains("127.0.0.1"), "\(output)")
        #expect(output.contains("double up: yes"), "\(output)")
        #expect(output.contains("registered with http://[fd00::1]:3990"), "\(output)")
        #expect(output.contains("task status: ") && output.contains("success"), "\(output)")
        #expect(output.contains("hello over ipv6 from http://[fd00::1]:3990"), "\(output)")
        #expect(output.contains("daemon exit: 0"), "\(output)")
    }

    /// Runs a program to its end and returns its output (call it off the cooperative pool).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return "cannot run \(executable): \(error)" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
