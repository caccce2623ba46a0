import ForgejoProtocol
import Foundation
import Synchronization

/// A faithful in-process stand-in for the runner API of a Forgejo server (§9 of
/// `forgejo-runner-protocol.md`), for end-to-end tests of a runner over loopback and for trying a
/// runner on one machine.
///
/// It serves the Connect protocol (binary Protobuf and JSON) under `/api/actions/` with
/// Forgejo 15's semantics: `Ping`, `Register` (reusable registration token, reset → invalidated),
/// the auth interceptor (`last_online`/`last_active`), `Declare`, `FetchTask` (tasks_version,
/// `task_capacity`/`additional_tasks`, request-key recovery with fresh tokens, ephemeral rule),
/// `FetchSingleTask` (handles), `UpdateTask` (final-state ignore, heartbeat, step copy, outputs
/// first-write-wins with the 255 B / 1 MiB limits, cancellation via the reply, ephemeral runner
/// deletion), `UpdateLog` (ack, gap refusal, overlap skip, `no_more` only with new rows,
/// `already_exists` after finalization, `\n` escaping, 64 KiB rows), the zombie/endless/abandoned
/// reapers, and an optional Gitea mode. Jobs come from `queue(workflowYAML:…)`: the workflow is
/// read with `WorkflowReader`, matrices are expanded (one job per combination), each job gets a
/// single-job workflow payload, the context keys of §3.5.2, secrets with the three token names,
/// vars, and the outputs/results of its needs.
///
/// Tests drive it through the wire protocol and inspect it with `task(_:)`, `jobs`, `runners`
/// and the `wait…` functions; faults are injected with `failNext(_:method:with:)` and a server
/// restart with `restart()`. The same server offers an admin HTTP API under `/_double/` (see
/// `AdminAPI`).
///
/// What the double does **not** do:
/// - No persistence: state lives in memory and survives `restart()` only (not the process).
/// - Plain HTTP/1.1 only: no TLS, no HTTP/2.
/// - One repository (`Configuration.repository`) and one scope: every runner is a global runner,
///   there is one tasks_version counter, and registration tokens have no owner/repo scope.
/// - No runner HTTP API (`POST /api/v1/…/actions/runners`), no jobs listing API, no artifact,
///   cache, OIDC, git or REST API: the context's `server_url`/`api_url`, the runtime token
///   (JWT-shaped, unsigned) and the task token point at nothing that works.
/// - Tokens are random and compared in constant time but kept in clear (Forgejo stores salted
///   hashes); task tokens are not checked anywhere since nothing consumes them.
/// - Workflows: `runs-on`, `name` and `strategy.matrix` are evaluated only with the `matrix`,
///   `vars`, `github` and `inputs` contexts at queue time; a matrix or `runs-on` that needs
///   `needs` outputs ("incomplete matrix"), a strategy given as one expression, and
///   reusable-workflow jobs (`uses:`) are rejected with `DoubleError.unsupported`. Other
///   expressions (job `if:`, steps, outputs) are not evaluated: the runner does that.
/// - Matrix job names use GitHub's segment order (`build (linux, 20)`); Forgejo sorts the keys
///   alphabetically and orders the combinations by that name. A job with `name:` is interpolated
///   and gets no suffix (as in Forgejo).
/// - Dependencies: a blocked job becomes waiting when all its needs succeeded; when one failed, was
///   cancelled or skipped, it becomes waiting if it has any `if:` (the runner evaluates it, e.g.
///   `always()`) and is skipped otherwise. Matrix needs aggregate as: any failure → failure, any
///   cancelled → cancelled, all skipped → skipped, else success; outputs merge with a non-empty
///   value winning. No run status, concurrency groups, run priority, commit statuses, re-runs
///   (attempt is always 1) or `fail-fast`/`max-parallel`.
/// - Only UpdateTask refreshes the zombie clock (`updated`); UpdateLog does not.
/// - `Connect-Timeout-Ms` is ignored; request bodies compressed with `Content-Encoding` are
///   refused (`unimplemented`); gzip replies use stored (uncompressed) deflate blocks — valid
///   gzip, no size reduction.
/// - The newest Forgejo's "request key is currently locked" answer to concurrent duplicates is not
///   produced (calls are serialised by a lock instead).
/// - Gitea mode covers error codes/messages, the missing `FetchSingleTask`, ignored request keys
///   and `task_capacity`, the context keys and token secrets — not the 2026 `cancelling`
///   capability handshake or the deleted-runner grace period.
/// - Secret and variable names are upper-cased (Forgejo stores them so); there are no
///   owner-level or instance-level secrets/variables and no fork-PR secret filtering.
public final class ForgejoDouble: Sendable {
    public let configuration: Configuration
    let state: Mutex<DoubleState>
    let faults = Mutex(FaultQueue())
    let waiters = WaiterRegistry()
    let server = Mutex(ServerSlot())

    /// The running HTTP server, its reaper loop and the address to reuse on restart.
    struct ServerSlot: Sendable {
        var handle: HTTPServerHandle?
        var reaper: Task<Void, Never>?
        var lastAddress: BoundAddress?
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        state = Mutex(DoubleState(configuration: configuration))
    }

    // MARK: - State access

    /// Runs `body` on the state under the lock, then wakes the waiters with a snapshot taken in
    /// the same critical section (so no intermediate state is missed).
    func mutate<Result: Sendable, E: Error>(_ body: (inout DoubleState) throws(E) -> Result) throws(E) -> Result {
        let waiters = self.waiters
        let (result, snapshot): (Result, DoubleSnapshot?) = try state.withLock { (state) throws(E) -> (Result, DoubleSnapshot?) in
            let result = try body(&state)
            // Checked under the state lock: a waiter registering concurrently either is seen here or
            // reads its first snapshot after this change.
            return (result, waiters.isEmpty ? nil : state.snapshot())
        }
        if let snapshot { waiters.notify(snapshot) }
        return result
    }

    func read<Result: Sendable>(_ body: (DoubleState) -> Result) -> Result {
        state.withLock { body($0) }
    }

    // MARK: - Addresses

    /// Where the server listens (nil before `start`).
    public var address: BoundAddress? { server.withLock { $0.handle?.address } }

    /// `http://host:port` of the running server (IPv6 literals bracketed, no trailing slash);
    /// before `start`, the configured server URL.
    public var baseURL: String { address?.url ?? read { $0.serverURL } }

    /// The instance address plus `/api/actions`, where the runner API is mounted.
    public var runnerAPIURL: String { baseURL + "/api/actions" }

    /// `ROOT_URL` as the context reports it (without the trailing slash the context adds).
    public var serverURL: String { read { $0.serverURL } }

    // MARK: - Registration

    /// The registration token currently valid (reusable until reset).
    public var registrationToken: String { read { $0.registrationToken } }

    /// Resets the registration token: returns a new one and invalidates the previous one
    /// (Register with it then fails with "…has been invalidated…").
    @discardableResult
    public func createRegistrationToken() -> String {
        mutate { $0.resetRegistrationToken() }
    }

    /// Creates a runner directly, as the UI's "Create new runner" or offline registration does,
    /// without the Register RPC.
    @discardableResult
    public func registerRunner(name: String = "test-runner", labels: [String] = [], version: String = "",
                               ephemeral: Bool = false) -> RunnerCredentials {
        mutate { state in
            let runner = state.addRunner(uuid: Secrets.uuid(), token: Secrets.token(), name: name, version: version,
                                         labels: labels, ephemeral: ephemeral)
            return RunnerCredentials(id: runner.id, uuid: runner.uuid, token: runner.token)
        }
    }

    /// Offline registration (`forgejo-cli actions register --secret`, §3.2): the UUID is the first
    /// 16 characters of the 40-hex secret taken as raw bytes and the token is the whole secret. A
    /// second call with the same first 16 characters rotates the token of the same runner.
    @discardableResult
    public func registerOfflineRunner(secret: String, name: String = "offline-runner",
                                      labels: [String] = []) throws(DoubleError) -> RunnerCredentials {
        guard secret.count == 40, secret.allSatisfy(\.isHexDigit), let uuid = Secrets.offlineUUID(secret: secret) else {
            throw DoubleError(.invalidWorkflow, "the secret must be 40 hexadecimal characters")
        }
        return mutate { state in
            if let id = state.runnerIDsByUUID[uuid], var runner = state.runners[id] {
                runner.token = secret
                runner.name = name
                runner.labels = labels
                state.runners[id] = runner
                return RunnerCredentials(id: id, uuid: uuid, token: secret)
            }
            let runner = state.addRunner(uuid: uuid, token: secret, name: name, version: "", labels: labels, ephemeral: false)
            return RunnerCredentials(id: runner.id, uuid: runner.uuid, token: runner.token)
        }
    }

    /// Deletes a runner (as an admin would): later calls with its credentials are unauthenticated.
    public func deleteRunner(uuid: String) {
        mutate { state in
            if let id = state.runnerIDsByUUID[uuid] { state.deleteRunner(id: id) }
        }
    }

    /// Registered runners by id.
    public var runners: [RunnerSnapshot] { read { state in state.runners.keys.sorted().compactMap { state.runners[$0]?.snapshot } } }

    /// The runner with this UUID.
    public func runner(uuid: String) -> RunnerSnapshot? {
        read { state in state.runnerIDsByUUID[uuid].flatMap { state.runners[$0]?.snapshot } }
    }

    // MARK: - Jobs

    /// Creates a run from workflow YAML, as a push (or `event`) would: every job, one per matrix
    /// combination, waiting when it has no `needs`, blocked otherwise. Returns the job ids in
    /// workflow order.
    ///
    /// - Parameters:
    ///   - ref: the context's `ref` (`refs/heads/main`, `refs/tags/v1`, …).
    ///   - sha: the commit; nil = a random 40-hex sha.
    ///   - eventPayloadJSON: the context's `event` as a JSON object; nil = a small push payload.
    ///   - contextOverrides: string keys that replace or extend the context (e.g. `head_ref`).
    ///   - secrets: repository secrets (names upper-cased); the token secrets are added per task.
    ///   - vars: repository variables (names upper-cased).
    @discardableResult
    public func queue(workflowYAML: String, file: String = ".forgejo/workflows/test.yml", event: String = "push",
                      ref: String = "refs/heads/main", sha: String? = nil, eventPayloadJSON: String? = nil,
                      contextOverrides: [String: String] = [:], secrets: [String: String] = [:],
                      vars: [String: String] = [:]) throws(DoubleError) -> [JobID] {
        try queueRun(workflowYAML: workflowYAML, file: file, event: event, ref: ref, sha: sha,
                     eventPayloadJSON: eventPayloadJSON, contextOverrides: contextOverrides, secrets: secrets,
                     vars: vars).jobs
    }

    /// `queue(…)` that also returns the run id.
    @discardableResult
    public func queueRun(workflowYAML: String, file: String = ".forgejo/workflows/test.yml", event: String = "push",
                         ref: String = "refs/heads/main", sha: String? = nil, eventPayloadJSON: String? = nil,
                         contextOverrides: [String: String] = [:], secrets: [String: String] = [:],
                         vars: [String: String] = [:]) throws(DoubleError) -> (runID: Int64, jobs: [JobID]) {
        let commit = sha ?? Secrets.hex(bytes: 20)
        let github = ActionsGitHubContext.make(configuration: configuration, serverURL: serverURL, event: event,
                                               ref: ref, sha: commit, file: file)
        let planned = try WorkflowPlanner.plan(yaml: workflowYAML, file: file, github: github, vars: vars)
        let now = Date()
        return try mutate { (state) throws(DoubleError) in
            try state.insertRun(planned: planned, event: event, ref: ref, sha: commit, workflowFile: file,
                                eventPayload: eventPayloadJSON.map { .json($0) } ?? .default,
                                contextOverrides: contextOverrides, secrets: secrets, vars: vars, now: now)
        }
    }

    /// All jobs by id.
    public var jobs: [JobSnapshot] { read { state in state.jobs.keys.sorted().compactMap { state.jobSnapshot($0) } } }

    /// The job with this id.
    public func job(_ id: JobID) -> JobSnapshot? { read { $0.jobSnapshot(id.rawValue) } }

    /// Marks a running task cancelled, as a user cancelling the job in the UI: the task, its job and
    /// its unfinished steps become cancelled, the log stays open (the runner may still send rows and
    /// `no_more`), and the next UpdateTask reply carries `RESULT_CANCELLED`. Returns false when the
    /// task was already final.
    @discardableResult
    public func cancel(taskID: Int64) throws(DoubleError) -> Bool {
        let now = Date()
        return try mutate { (state) throws(DoubleError) in try state.cancelTask(taskID, now: now) }
    }

    /// Cancels a job: a waiting or blocked one directly, a running one through its task.
    @discardableResult
    public func cancel(jobID: JobID) throws(DoubleError) -> Bool {
        let now = Date()
        return try mutate { (state) throws(DoubleError) in try state.cancelJob(jobID.rawValue, now: now) }
    }

    // MARK: - Inspection

    /// The task with this id.
    public func task(_ id: Int64) -> TaskSnapshot? { read { $0.tasks[id]?.snapshot() } }

    /// All tasks by id.
    public var tasks: [TaskSnapshot] { read { state in state.tasks.keys.sorted().compactMap { state.tasks[$0]?.snapshot() } } }

    /// The current tasks_version counter.
    public var tasksVersion: Int64 { read { $0.tasksVersion } }

    /// How many FetchTask/FetchSingleTask calls searched for a job (calls with a current
    /// tasks_version do not).
    public var pickQueryCount: Int { read { $0.pickQueries } }

    /// How many calls of `method` (`FetchTask`, …) reached the handler (faults that answer
    /// instead are not counted).
    public func callCount(_ method: String) -> Int { read { $0.callCounts[Self.methodName(method)] ?? 0 } }

    /// Everything at once.
    public var snapshot: DoubleSnapshot { read { $0.snapshot() } }

    // MARK: - Reapers

    /// Runs the zombie, endless and abandoned reapers once, as of `now`.
    @discardableResult
    public func runReapers(now: Date = Date()) -> ReaperReport {
        mutate { $0.runReapers(now: now) }
    }

    // MARK: - Faults

    /// Makes the next `count` calls of `method` (`FetchTask`, `UpdateLog`, … or `*` for any; a full
    /// path such as `runner.v1.RunnerService/FetchTask` works too) fail with `fault`.
    public func failNext(_ count: Int = 1, method: String, with fault: FaultKind) {
        faults.withLock { $0.add(count, method: Self.methodName(method), kind: fault) }
    }

    /// Drops every pending fault.
    public func clearFaults() {
        faults.withLock { $0.removeAll() }
    }

    func takeFault(method: String) -> FaultKind? {
        faults.withLock { $0.take(method: method) }
    }

    static func methodName(_ method: String) -> String {
        String(method.split(separator: "/").last ?? Substring(method))
    }
}
