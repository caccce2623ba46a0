#if canImport(Glibc)
import Glibc
#endif

/// Finds a program the way a shell does: a name containing `/` is taken as a path, anything else
/// is searched in the given `PATH`.
public enum ExecutableLookup {
    public static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: true)
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
