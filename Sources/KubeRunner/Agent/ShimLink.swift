import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The agent's end of the step shim's two FIFOs: commands down `ctl`, reports up `evt`
/// (see `StepShim`). One reader thread turns `evt` lines into resumed waiters.
public final class ShimLink: Sendable {
    public let directory: String
    /// The two FIFO descriptors until the link is closed. Every write holds the lock, so no write
    /// can land on a descriptor number the process has reused for another file after the close.
    private let descriptors: Mutex<(control: Int32, events: Int32)?>
    private let state = Mutex(State())
    private let readiness = Latch()

    private struct State {
        var ready: (pid: Int, uid: Int)?
        var started: [Int: Int] = [:]
        var startWaiters: [Int: CheckedContinuation<Int, Never>] = [:]
        var exits: [Int: Int32] = [:]
        var exitWaiters: [Int: [CheckedContinuation<Int32, Never>]] = [:]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the FIFOs if the shim has not yet and opens both ends (read-write, so neither side
    /// ever sees end-of-file while the other restarts its open).
    public init(directory: String) throws(Failure) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: "\(directory)/p", withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(directory)/p: \(error)")
        }
        // The job container may run as another user: plumbing is world-writable, sticky.
        chmod(directory, 0o1777)
        chmod("\(directory)/p", 0o1777)
        for name in ["ctl", "evt"] {
            let path = "\(directory)/\(name)"
            if mkfifo(path, 0o666) == 0 {
                chmod(path, 0o666)
            } else if errno != EEXIST {
                throw Failure(description: "cannot create the FIFO \(path): \(String(cString: strerror(errno)))")
            }
        }
        let control = open("\(directory)/ctl", O_RDWR | O_CLOEXEC)
        let events = open("\(directory)/evt", O_RDWR | O_CLOEXEC)
        guard control >= 0, events >= 0 else {
            let reason = String(cString: strerror(errno))
            if control >= 0 { Glibc.close(control) }
            if events >= 0 { Glibc.close(events) }
            throw Failure(description: "cannot open the shim FIFOs in \(directory): \(reason)")
        }
        descriptors = Mutex((control, events))
        let thread = Thread { [weak self] in
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(events, $0.baseAddress, 4096) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0, let self else { return }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if line == Self.closeLine {
                        self.descriptors.withLock { open in
                            if let open {
                                Glibc.close(open.control)
                                Glibc.close(open.events)
                            }
                            open = nil
                        }
                        return
                    }
                    self.handle(line)
                }
            }
        }
        thread.name = "hearth-shim-events"
        thread.start()
    }

    /// Waits until the shim has started and said `ready` (it then has written the container's
    /// environment). Returns false when `timeout` passes first.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        await readiness.wait(timeout: timeout)
    }

    /// The uid steps run as in the job container (from the shim's `ready` line).
    public var jobUserID: Int? { state.withLock { $0.ready?.uid } }

    /// Sends one command line (`run 3`, `kill 3 TERM`, `exit`). Lines are far below PIPE_BUF, so
    /// each arrives whole.
    public func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        descriptors.withLock { open in
            guard let open else { return }
            _ = bytes.withUnsafeBytes { write(open.control, $0.baseAddress, $0.count) }
        }
    }

    private static let closeLine = "hearth-link-closed"

    /// Stops the reader thread and closes both FIFOs (the link must not be used afterwards). The
    /// agent holds `evt` open for writing too, so it can wake its own reader with a last line.
    public func close() {
        let bytes = Array((Self.closeLine + "\n").utf8)
        descriptors.withLock { open in
            guard let open else { return }
            _ = bytes.withUnsafeBytes { write(open.events, $0.baseAddress, $0.count) }
        }
    }

    /// Waits for `started N PID`.
    func waitForStart(_ number: Int) async -> Int {
        await withCheckedContinuation { continuation in
            let pid = state.withLock { state -> Int? in
                if let pid = state.started[number] { return pid }
                state.startWaiters[number] = continuation
                return nil
            }
            if let pid { continuation.resume(returning: pid) }
        }
    }

    /// Waits for `exited N CODE`.
    func waitForExit(_ number: Int) async -> Int32 {
        await withCheckedContinuation { continuation in
            let code = state.withLock { state -> Int32? in
                if let code = state.exits[number] { return code }
                state.exitWaiters[number, default: []].append(continuation)
                return nil
            }
            if let code { continuation.resume(returning: code) }
        }
    }

    private func handle(_ line: String) {
        let fields = line.split(separator: " ").map(String.init)
        guard let verb = fields.first else { return }
        switch verb {
        case "ready":
            state.withLock { $0.ready = (Int(fields.count > 1 ? fields[1] : "") ?? 0, Int(fields.count > 2 ? fields[2] : "") ?? -1) }
            readiness.open()
        case "started" where fields.count >= 3:
            guard let number = Int(fields[1]), let pid = Int(fields[2]) else { return }
            let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
                state.started[number] = pid
                return state.startWaiters.removeValue(forKey: number)
            }
            waiter?.resume(returning: pid)
        case "exited" where fields.count >= 3:
            guard let number = Int(fields[1]), let code = Int32(fields[2]) else { return }
            let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.exits[number] = code
                return state.exitWaiters.removeValue(forKey: number) ?? []
            }
            for waiter in waiters { waiter.resume(returning: code) }
        default:
            break
        }
    }
}

/// A continuation resumed by whichever of several parties comes first.
final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: Value) {
        continuation.withLock { stored in
            stored?.resume(returning: value)
            stored = nil
        }
    }
}
