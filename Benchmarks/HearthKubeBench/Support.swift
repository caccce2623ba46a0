import Forgejo
import ForgejoProtocol
import Foundation
import Logging
import Synchronization

/// What every Kubernetes benchmark shares: time, statistics, memory, logging, the Forgejo end.
enum Bench {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The value at `fraction` (0…1) of the sorted samples (nearest rank).
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// Resident set size of this process in bytes (`/proc/self/statm`, second field).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    static var loadAverage: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["HEARTH_BENCH_LOG"] == nil ? .error : .info
        return logger
    }

    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The runner label every benchmark job asks for.
    static let label = "k8s:docker://localhost/busybox:test"

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A runner registered with a Forgejo (double) and its client: what the daemon would hold.
struct RunnerEnd: Sendable {
    let registration: RunnerRegistration
    let connection: ConnectClient
    let client: RunnerClient
    let settings: DaemonSettings

    static func register(address: String, registrationToken: String, capacity: Int, reportInterval: Duration) async throws -> RunnerEnd {
        let registration = try await Registrar.register(
            address: address, token: registrationToken, name: "kube-bench", labels: [Bench.label], version: "bench",
            pingAttempts: 5, pingInterval: .milliseconds(200))
        let connection = try ConnectClient(address: registration.address, uuid: registration.uuid, token: registration.token, timeout: .seconds(60))
        let settings = DaemonSettings(
            version: "bench", address: registration.address, runnerName: registration.name, capacity: capacity,
            fetchInterval: .milliseconds(100), fetchTimeout: .seconds(5),
            reportTiming: ReportTiming(interval: reportInterval, maxRetries: 20, initialDelay: .milliseconds(100), maxDelay: .seconds(2)),
            terminationGrace: .seconds(2), workdirParent: "/nonexistent", actionCache: "/nonexistent",
            backends: BackendSelection(labels: RunnerLabel.parseAll(registration.labels).labels, workdirParent: "/nonexistent"))
        return RunnerEnd(registration: registration, connection: connection, client: RunnerClient(connection: connection), settings: settings)
    }

    /// Fetches exactly `count` tasks (the double hands out up to `capacity` per call).
    func fetchTasks(_ count: Int) async throws -> [Runner_V1_Task] {
        var tasks: [Runner_V1_Task] = []
        var emptyReplies = 0
        while tasks.count < count {
            let reply = try await client.fetchTask(tasksVersion: 0, capacity: count - tasks.count, requestKey: nil, timeout: .seconds(30))
            let got = (reply.hasTask ? [reply.task] : []) + reply.additionalTasks
            tasks += got
            if got.isEmpty {
                emptyReplies += 1
                guard emptyReplies < 50 else { throw Bench.Failure("the Forgejo double handed out \(tasks.count) of \(count) tasks") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return tasks
    }

    func shutdown() async {
        try? await connection.shutdown()
    }
}

/// A one-shot latch that many tasks can wait for.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}

/// Lines of a file descriptor (a pipe), read on a thread of their own.
enum LineReader {
    static func lines(of handle: FileHandle) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let thread = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
