import Backends
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A step process started through the shim: its merged output arrives through the FIFO
/// `p/N.out`, its exit code as `exited N CODE`, and termination is `kill N SIGNAL` to its
/// process group.
final class ShimProcess: RunningProcess {
    let number: Int
    let lines: AsyncStream<String>
    private let link: ShimLink
    private let exitCode = Mutex<Int32?>(nil)
    private let outputDone: OutputReader

    init(number: Int, link: ShimLink, outputPath: String) {
        self.number = number
        self.link = link
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        lines = stream
        outputDone = OutputReader(path: outputPath, continuation: continuation)
    }

    func startReading() { outputDone.start() }

    func waitForExit() async -> Int32 {
        let code = await link.waitForExit(number)
        // Output written before the exit is still in the FIFO: drain it, but do not wait for
        // background processes of the step that keep the pipe open.
        outputDone.finishAfterExit()
        await outputDone.waitUntilClosed()
        return code
    }

    func terminate(grace: Duration) {
        link.send("kill \(number) TERM")
        let link = self.link
        let number = self.number
        Task {
            try? await Task.sleep(for: grace)
            link.send("kill \(number) KILL")
        }
    }
}

/// Reads a step's output FIFO on its own thread and splits it into lines.
final class OutputReader: Sendable {
    private let path: String
    private let continuation: AsyncStream<String>.Continuation
    private let state = Mutex(State())

    private struct State {
        var exited = false
    }
    private let closed = Latch()

    init(path: String, continuation: AsyncStream<String>.Continuation) {
        self.path = path
        self.continuation = continuation
    }

    func start() {
        let thread = Thread { [self] in self.readAll() }
        thread.name = "hearth-step-output"
        thread.start()
    }

    func finishAfterExit() { state.withLock { $0.exited = true } }

    func waitUntilClosed() async {
        await closed.wait()
    }

    private func readAll() {
        // Non-blocking open: poll then reports the first writer's data and, after it leaves, the
        // hang-up (Linux reports POLLHUP only once a writer has come and gone).
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        var pending = [UInt8]()
        func emit(_ bytes: ArraySlice<UInt8>) {
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            continuation.yield(text)
        }
        if fd >= 0 {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var quietAfterExit = 0
            loop: while true {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 100)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 {
                    // Nothing for 100 ms: once the process has exited, what remains belongs to
                    // background children that outlive the step; stop after a short grace.
                    if state.withLock({ $0.exited }) {
                        quietAfterExit += 1
                        if quietAfterExit >= 3 { break loop }
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    break loop
                }
                if count == 0 { break loop }
                quietAfterExit = 0
                pending.append(contentsOf: buffer[0..<count])
                var start = pending.startIndex
                while let newline = pending[start...].firstIndex(of: 10) {
                    emit(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeSubrange(..<start)
            }
            close(fd)
        }
        if !pending.isEmpty { emit(pending[...]) }
        continuation.finish()
        closed.open()
    }
}
