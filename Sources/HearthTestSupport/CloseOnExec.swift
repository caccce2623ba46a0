#if canImport(Glibc)
import Glibc
#endif

/// `pipe2` and `accept4` with `O_CLOEXEC`, which Swift's Glibc module does not declare (they need
/// `_GNU_SOURCE`); looked up in the C library at run time. Creating descriptors close-on-exec
/// atomically matters here: a pipe end leaked into a concurrently spawned child (a git client
/// under test, say) would keep the pipe open and stall the server.
enum CloseOnExec {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    private static let functions: (pipe2: Pipe2?, accept4: Accept4?) = {
        let handle = dlopen(nil, RTLD_NOW)
        let pipe2 = dlsym(handle, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
        let accept4 = dlsym(handle, "accept4").map { unsafeBitCast($0, to: Accept4.self) }
        return (pipe2, accept4)
    }()

    /// A pipe whose two ends are close-on-exec; `nil` on failure.
    static func pipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = functions.pipe2 {
            guard pipe2(&fds, O_CLOEXEC) == 0 else { return nil }
        } else {
            guard Glibc.pipe(&fds) == 0 else { return nil }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    /// Accepts a connection as a close-on-exec descriptor; negative with `errno` on failure.
    static func accept(_ listenFD: Int32) -> Int32 {
        if let accept4 = functions.accept4 {
            return accept4(listenFD, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        }
        let fd = Glibc.accept(listenFD, nil, nil)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }
}
