import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished subprocess produced.
struct SubprocessResult: Sendable {
    var status: Int32
    var standardOutput: [UInt8]
    var standardError: [UInt8]

    var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    var errorText: String { String(decoding: standardError, as: UTF8.self) }
}

/// Why a subprocess could not be run.
struct SubprocessError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program to completion with posix_spawn: the whole environment is given, `input` goes to
/// its stdin, stdout and stderr are collected. Every descriptor made here is close-on-exec, so
/// concurrent spawns never leak pipe ends (or client sockets) into each other's children.
enum Subprocess {
    static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String],
        input: [UInt8] = [],
        timeout: Duration = .seconds(120)
    ) throws(SubprocessError) -> SubprocessResult {
        // A child that exits before reading all of its input must not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        guard let executable = resolve(program, path: environment["PATH"]) else {
            throw SubprocessError(description: "'\(program)' was not found in PATH")
        }
        guard let stdinPipe = CloseOnExec.pipe() else { throw SubprocessError(description: "cannot create a pipe (\(errno))") }
        guard let stdoutPipe = CloseOnExec.pipe() else {
            closeAll([stdinPipe.read, stdinPipe.write])
            throw SubprocessError(description: "cannot create a pipe (\(errno))")
        }
        guard let stderrPipe = CloseOnExec.pipe() else {
            closeAll([stdinPipe.read, stdinPipe.write, stdoutPipe.read, stdoutPipe.write])
            throw SubprocessError(description: "cannot create a pipe (\(errno))")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        var noSignals = sigset_t()
        sigfillset(&allSignals)
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnvp in
                posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnvp)
            }
        }
        close(stdinPipe.read)
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard rc == 0 else {
            closeAll([stdinPipe.write, stdoutPipe.read, stderrPipe.read])
            throw SubprocessError(description: "cannot start '\(executable)': \(String(cString: strerror(rc)))")
        }

        var pump = Pump(input: input, stdinFD: stdinPipe.write, stdoutFD: stdoutPipe.read, stderrFD: stderrPipe.read)
        let finished = pump.run(until: ContinuousClock.now + timeout)
        if !finished { kill(pid, SIGKILL) }
        let status = waitForChild(pid)
        if !finished {
            throw SubprocessError(description: "'\(program) \(arguments.joined(separator: " "))' did not finish within \(timeout)")
        }
        return SubprocessResult(status: status, standardOutput: pump.output, standardError: pump.error)
    }

    private static func waitForChild(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }

    private static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds where fd >= 0 { close(fd) }
    }
}

/// Moves bytes between the parent and a child's three pipes without risking a deadlock.
private struct Pump {
    var input: [UInt8]
    var inputOffset = 0
    var stdinFD: Int32
    var stdoutFD: Int32
    var stderrFD: Int32
    var output: [UInt8] = []
    var error: [UInt8] = []

    init(input: [UInt8], stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
        self.input = input
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    /// Returns false when the deadline passed first.
    mutating func run(until deadline: ContinuousClock.Instant) -> Bool {
        _ = fcntl(stdinFD, F_SETFL, fcntl(stdinFD, F_GETFL) | O_NONBLOCK)
        if input.isEmpty { closeInput() }
        defer {
            closeInput()
            if stdoutFD >= 0 { close(stdoutFD) }
            if stderrFD >= 0 { close(stderrFD) }
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while stdoutFD >= 0 || stderrFD >= 0 {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return false }
            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            let milliseconds = Int32(min(remaining.components.seconds * 1000 + 1, 1000))
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stdinFD {
                    writeSome()
                } else if entry.fd == stdoutFD {
                    if !readSome(from: stdoutFD, into: &output, buffer: &buffer) { close(stdoutFD); stdoutFD = -1 }
                } else if entry.fd == stderrFD {
                    if !readSome(from: stderrFD, into: &error, buffer: &buffer) { close(stderrFD); stderrFD = -1 }
                }
            }
        }
        return true
    }

    private mutating func writeSome() {
        let written = input[inputOffset...].withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
        if written > 0 {
            inputOffset += written
            if inputOffset >= input.count { closeInput() }
        } else if written < 0 && errno != EAGAIN && errno != EINTR {
            closeInput()  // the child stopped reading (EPIPE); its output still counts
        }
    }

    private mutating func closeInput() {
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    private func readSome(from fd: Int32, into sink: inout [UInt8], buffer: inout [UInt8]) -> Bool {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                sink.append(contentsOf: buffer[0..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
