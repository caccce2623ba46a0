#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which one, on what, and `errno`.
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let subject: String
    let code: Int32

    init(_ call: String, _ subject: String, code: Int32 = errno) {
        self.call = call
        self.subject = subject
        self.code = code
    }

    var description: String { "\(call)(\(subject)): \(String(cString: strerror(code)))" }
}
