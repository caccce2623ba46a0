import ForgejoProtocol
import Foundation

/// Everything the double stores — Forgejo's database in memory. All protocol logic works on this
/// value under the double's lock; methods take `now` so tests can drive time.
struct DoubleState: Sendable {
    var configuration: ForgejoDouble.Configuration
    /// `ROOT_URL` without trailing slash (set when the server starts unless configured).
    var serverURL: String

    /// Registration tokens ever issued → still active.
    var registrationTokens: [String: Bool] = [:]
    /// The active registration token.
    var registrationToken: String

    var runners: [Int64: RunnerRecord] = [:]
    var runnerIDsByUUID: [String: Int64] = [:]
    var runs: [Int64: RunRecord] = [:]
    var jobs: [Int64: JobRecord] = [:]
    var tasks: [Int64: TaskRecord] = [:]

    /// The tasks_version counter of the global scope (every runner of the double is global).
    var tasksVersion: Int64 = 0
    /// How many times FetchTask/FetchSingleTask searched for a job (skipped when the runner's
    /// tasks_version is current).
    var pickQueries = 0
    /// RPCs handled, by method name (after faults, whatever the outcome).
    var callCounts: [String: Int] = [:]

    var lastRunnerID: Int64 = 0
    var lastRunID: Int64 = 0
    var lastRunNumber: Int64 = 0
    var lastJobID: Int64 = 0
    var lastTaskID: Int64 = 0
    var sequence: UInt64 = 0

    init(configuration: ForgejoDouble.Configuration) {
        self.configuration = configuration
        serverURL = (configuration.serverURL ?? "http://localhost:3000").trimmingTrailingSlashes
        let token = configuration.registrationToken ?? Secrets.token()
        registrationToken = token
        registrationTokens[token] = true
    }

    // MARK: - Counters

    mutating func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// `IncreaseTaskVersion` for the global scope.
    mutating func bumpTasksVersion() {
        tasksVersion += 1
    }

    // MARK: - Registration tokens and runners

    /// Issues a new registration token and deactivates the previous one (Forgejo's reset).
    mutating func resetRegistrationToken() -> String {
        for key in registrationTokens.keys { registrationTokens[key] = false }
        let token = Secrets.token()
        registrationTokens[token] = true
        registrationToken = token
        return token
    }

    mutating func addRunner(uuid: String, token: String, name: String, version: String, labels: [String],
                            ephemeral: Bool) -> RunnerRecord {
        lastRunnerID += 1
        let runner = RunnerRecord(id: lastRunnerID, uuid: uuid, token: token, name: name.truncatedUTF8(to: 255),
                                  version: version, labels: labels, ephemeral: ephemeral)
        runners[runner.id] = runner
        runnerIDsByUUID[uuid] = runner.id
        return runner
    }

    /// Deletes a runner: its credentials stop working at once.
    mutating func deleteRunner(id: Int64) {
        guard let runner = runners.removeValue(forKey: id) else { return }
        runnerIDsByUUID.removeValue(forKey: runner.uuid)
    }

    // MARK: - Snapshots

    func snapshot() -> DoubleSnapshot {
        DoubleSnapshot(tasks: tasks.keys.sorted().compactMap { tasks[$0]?.snapshot() },
                       jobs: jobs.keys.sorted().compactMap { jobSnapshot($0) },
                       runners: runners.keys.sorted().compactMap { runners[$0]?.snapshot },
                       tasksVersion: tasksVersion)
    }

    func jobSnapshot(_ id: Int64) -> JobSnapshot? {
        guard let job = jobs[id] else { return nil }
        return job.snapshot(runNumber: runs[job.runID]?.number ?? 0)
    }
}

extension String {
    /// The string without trailing `/`.
    var trimmingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// At most `limit` UTF-8 bytes, cut at a character boundary.
    func truncatedUTF8(to limit: Int) -> String {
        let bytes = Array(utf8)
        guard bytes.count > limit else { return self }
        var end = limit
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
