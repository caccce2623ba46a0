import CHearthSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running program in its own process group, with its merged stdout/stderr as a stream of lines.
///
/// One thread per process reads the output and notices the exit (through a pidfd), so a step that
/// leaves a background process holding the output pipe does not hang: once the direct child has
/// exited, whatever it wrote is drained and the stream ends.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Output lines without their line terminators, in the order written.
    public let lines: AsyncStream<String>

    private let exit = ExitCodeLatch()
    private let terminatedByUs = Atomic<Bool>(false)

    /// Longest line delivered in one piece; longer output without newlines is split.
    static let maximumLineBytes = 64 * 1024

    private init(pid: pid_t, lines: AsyncStream<String>) {
        self.pid = pid
        self.lines = lines
    }

    /// Starts `spec`. Fails with a message naming the program or directory when it cannot start.
    public static func launch(_ spec: ProcessSpec) throws(ProcessLaunchError) -> ChildProcess {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec.workingDirectory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ProcessLaunchError("working directory '\(spec.workingDirectory)' does not exist")
        }
        guard let executable = ExecutableLookup.resolve(spec.executable, path: spec.environment["PATH"]) else {
            throw ProcessLaunchError("'\(spec.executable)' was not found in PATH")
        }

        var fds: [Int32] = [0, 0]
        guard hearth_pipe_cloexec(&fds) == 0 else {
            throw ProcessLaunchError("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let (readEnd, writeEnd) = (fds[0], fds[1])

        let argv = [executable] + spec.arguments
        let envp = spec.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnvp in
                hearth_spawn(executable, cArgv, cEnvp, spec.workingDirectory, writeEnd, &pid)
            }
        }
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            throw ProcessLaunchError("cannot start '\(executable)': \(String(cString: strerror(rc)))")
        }

        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let process = ChildProcess(pid: pid, lines: stream)
        liveGroups.withLock { _ = $0.insert(pid) }
        let childPID = pid
        let pidfd = hearth_pidfd_open(childPID)
        let thread = Thread {
            var pump = OutputPump(outputFD: readEnd, pidFD: pidfd, pid: childPID, continuation: continuation)
            let code = pump.run()
            process.recordExit(code)
        }
        thread.stackSize = 256 * 1024
        thread.start()
        return process
    }

    /// Waits for the process to exit and returns its exit code (128 + signal when signalled).
    public func waitForExit() async -> Int32 { await exit.wait() }

    public var hasExited: Bool { exit.code != nil }
    public var wasTerminated: Bool { terminatedByUs.load(ordering: .relaxed) }

    /// Sends `signal` to the whole process group.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// SIGTERM to the process group, then SIGKILL after `grace` if the process is still running.
    public func terminate(grace: Duration) {
        terminatedByUs.store(true, ordering: .relaxed)
        if hasExited { return }
        signalGroup(SIGTERM)
        Task.detached { [self] in
            try? await Task.sleep(for: grace)
            if !hasExited { signalGroup(SIGKILL) }
        }
    }

    /// Process groups of children that have not exited yet, for `killAll`.
    private static let liveGroups = Mutex<Set<pid_t>>([])

    /// SIGKILL to the process group of every child still running (a second Ctrl-C, before exiting).
    public static func killAll() {
        for group in liveGroups.withLock({ $0 }) { _ = kill(-group, SIGKILL) }
    }

    private func recordExit(_ code: Int32) {
        _ = Self.liveGroups.withLock { $0.remove(pid) }
        exit.record(code)
    }
}

/// Reads a child's output pipe until the child has exited and the pipe is drained.
private struct OutputPump {
    let outputFD: Int32
    let pidFD: Int32
    let pid: pid_t
    let continuation: AsyncStream<String>.Continuation
    var pending: [UInt8] = []

    init(outputFD: Int32, pidFD: Int32, pid: pid_t, continuation: AsyncStream<String>.Continuation) {
        self.outputFD = outputFD
        self.pidFD = pidFD
        self.pid = pid
        self.continuation = continuation
    }

    mutating func run() -> Int32 {
        defer {
            close(outputFD)
            if pidFD >= 0 { close(pidFD) }
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var exitCode: Int32?
        var outputOpen = true
        while exitCode == nil {
            if !outputOpen {
                exitCode = hearth_wait(pid)
                break
            }
            var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
            if pidFD >= 0 { fds.append(pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), pidFD >= 0 ? -1 : 100)
            if ready < 0 && errno == EINTR { continue }
            if fds[0].revents != 0 {
                outputOpen = readOnce(&buffer)
            }
            if pidFD >= 0 ? (fds.count > 1 && fds[1].revents != 0) : true {
                var code: Int32 = 0
                if hearth_try_wait(pid, &code) == 1 {
                    exitCode = code
                }
            }
        }
        // The direct child is gone: take what is already in the pipe without waiting for other
        // holders of its write end (background processes) to close it.
        if outputOpen {
            _ = fcntl(outputFD, F_SETFL, fcntl(outputFD, F_GETFL) | O_NONBLOCK)
            while readOnce(&buffer) {}
        }
        if !pending.isEmpty { emit(pending[...]) }
        continuation.finish()
        return exitCode ?? -1
    }

    /// Reads one chunk; returns false at end of file or when nothing more can be read now.
    private mutating func readOnce(_ buffer: inout [UInt8]) -> Bool {
        let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { return true }
        guard count > 0 else { return false }
        var start = 0
        for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
            if pending.isEmpty {
                emit(buffer[start..<index])
            } else {
                pending.append(contentsOf: buffer[start..<index])
                emit(pending[...])
                pending.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        if start < count { pending.append(contentsOf: buffer[start..<count]) }
        while pending.count >= ChildProcess.maximumLineBytes {
            emit(pending[..<ChildProcess.maximumLineBytes])
            pending.removeFirst(ChildProcess.maximumLineBytes)
        }
        return true
    }

    private func emit(_ bytes: ArraySlice<UInt8>) {
        var slice = bytes
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        continuation.yield(String(decoding: slice, as: UTF8.self))
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
