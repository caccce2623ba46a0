#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The host name (`uname` node name), used as the runner name when none is given — as
/// forgejo-runner does with Go's `os.Hostname`.
public enum SystemHostname {
    /// The host name, or `"runner"` if it cannot be determined.
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "runner" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "runner" : name
    }
}
