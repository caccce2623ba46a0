import AsyncHTTPClient
import Synchronization

/// A process running in a container through a Podman exec session, with the semantics of
/// `ChildProcess`: merged output lines, the exit code (128 + signal when killed) and termination
/// of its whole process group (SIGTERM, then SIGKILL after the grace period).
///
/// The process is started through `/bin/sh -c` with a wrapper that first prints its PID on
/// stdout (a marker line that is not passed on) and then `exec`s the program with its stderr
/// joined to stdout. Podman's exec
/// sessions are session leaders, so that PID is also the process group that termination signals.
final class PodmanExecProcess: RunningProcess, Sendable {
    let lines: AsyncStream<String>
    private let client: PodmanClient
    private let container: String
    private let execID: String
    private let state = Mutex(State())
    private let exit = ExitCodeLatch()

    private struct State {
        var pid: Int?
        var terminatedByUs = false
        /// A termination asked for before the PID was known.
        var pendingGrace: Duration?
    }

    static let pidMarker = "\u{1}hearth-pid "
    /// Prints the marker, then becomes the program with stderr joined to stdout, so both arrive
    /// in the order written, as through the single pipe of `ChildProcess`.
    static let wrapperScript = #"printf '\001hearth-pid %s\n' "$$"; exec "$@" 2>&1"#

    /// The exec command for a program and its arguments. Variables whose names a shell cannot
    /// hold (`INPUT_MY-INPUT`: inputs with hyphens are common) would be dropped by the wrapper
    /// shell, so those are handed to the program through `env NAME=VALUE …` instead.
    static func command(executable: String, arguments: [String], environment: [String: String] = [:]) -> [String] {
        let unshellable = environment.keys.filter { !isShellName($0) }.sorted()
        let prefix = unshellable.isEmpty ? [] : ["env"] + unshellable.map { "\($0)=\(environment[$0]!)" }
        return ["/bin/sh", "-c", wrapperScript, "hearth-step"] + prefix + [executable] + arguments
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: a name POSIX shells keep in the environment they pass on.
    static func isShellName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    private init(client: PodmanClient, container: String, execID: String, lines: AsyncStream<String>) {
        self.client = client
        self.container = container
        self.execID = execID
        self.lines = lines
    }

    /// Creates and starts the exec session and begins reading its output.
    static func start(client: PodmanClient, container: String, spec: PodmanAPI.ExecSpec) async throws -> PodmanExecProcess {
        let id = try await client.createExec(in: container, spec)
        let body = try await client.startExec(id)
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let process = PodmanExecProcess(client: client, container: container, execID: id, lines: stream)
        Task.detached { await process.pump(body, continuation) }
        return process
    }

    private func pump(_ body: HTTPClientResponse.Body, _ continuation: AsyncStream<String>.Continuation) async {
        var decoder = MultiplexedStreamDecoder()
        var stdout = LineAccumulator()
        var stderr = LineAccumulator()
        var expectingMarker = true
        do {
            for try await chunk in body {
                for frame in decoder.feed(chunk.readableBytesView) {
                    switch frame.stream {
                    case .stderr:
                        for line in stderr.append(frame.payload) { continuation.yield(line) }
                    case .stdout, .stdin:
                        for line in stdout.append(frame.payload) {
                            if expectingMarker {
                                expectingMarker = false
                                if line.hasPrefix(Self.pidMarker), let pid = Int(line.dropFirst(Self.pidMarker.count)) {
                                    recordPID(pid)
                                    continue
                                }
                            }
                            continuation.yield(line)
                        }
                    }
                }
            }
        } catch {
            continuation.yield("hearth: the output of the process was cut off: \(error)")
        }
        if let line = stdout.finish() { continuation.yield(line) }
        if let line = stderr.finish() { continuation.yield(line) }
        continuation.finish()
        let code: Int32
        do {
            code = try await client.exitCode(ofExec: execID)
        } catch {
            code = -1
        }
        recordExit(code)
    }

    func waitForExit() async -> Int32 { await exit.wait() }

    var hasExited: Bool { exit.code != nil }
    var wasTerminated: Bool { state.withLock { $0.terminatedByUs } }

    func terminate(grace: Duration) {
        let pid = state.withLock { state -> Int? in
            state.terminatedByUs = true
            guard exit.code == nil else { return nil }
            if state.pid == nil { state.pendingGrace = grace }
            return state.pid
        }
        if let pid { startTermination(pid: pid, grace: grace) }
    }

    private func startTermination(pid: Int, grace: Duration) {
        Task.detached { [self] in
            await signalGroup(pid: pid, "TERM")
            try? await Task.sleep(for: grace)
            if !hasExited { await signalGroup(pid: pid, "KILL") }
        }
    }

    /// Sends a signal to the process group from inside the container (to the process alone when
    /// it is not a group leader).
    private func signalGroup(pid: Int, _ signal: String) async {
        let script = "kill -\(signal) -\(pid) 2>/dev/null || kill -\(signal) \(pid) 2>/dev/null; exit 0"
        _ = try? await client.run(in: container, ["/bin/sh", "-c", script])
    }

    private func recordPID(_ pid: Int) {
        let grace = state.withLock { state -> Duration? in
            state.pid = pid
            defer { state.pendingGrace = nil }
            return state.pendingGrace
        }
        if let grace { startTermination(pid: pid, grace: grace) }
    }

    private func recordExit(_ code: Int32) {
        exit.record(code)
    }
}
