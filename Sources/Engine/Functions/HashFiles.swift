#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The `hashFiles(...)` expression function, with GitHub's semantics.
///
/// Matching follows actions/runner's `hashFiles` script, which runs `@actions/glob` in the
/// workspace without following symbolic links:
/// - each argument may hold several patterns, one per line; lines are trimmed and empty lines or
///   lines starting with `#` are ignored; a first argument `--follow-symbolic-links` makes the
///   search follow symbolic links to directories;
/// - patterns are relative to the workspace (absolute paths are allowed) and use the glob syntax
///   described on `GlobPattern`: `*`, `?`, `[...]`, `**`, leading `!` to exclude; patterns apply
///   in order, so a later pattern can re-include what an earlier `!` excluded; a pattern naming a
///   directory matches everything below it;
/// - the search walks each pattern's literal base directory depth first, entries of a directory
///   in byte order (what Node's `readdir` returns on Unix), so the order of the hashed files is
///   stable: `a/b` comes before `a.txt` because directory `a` sorts before `a.txt`;
/// - matches outside the workspace are skipped (`Ignore '…' since it is not under
///   GITHUB_WORKSPACE.`), and so are directories, symbolic links to directories, broken symbolic
///   links (GitHub errors on those) and other non-regular files. A symbolic link to a file is
///   hashed by its target's content.
///
/// The result is GitHub's: the lower-case hex SHA-256 of the concatenated SHA-256 digests of the
/// matched files, or the empty string when nothing matched. (nektos/act and forgejo-runner hash
/// the concatenated file contents instead, which gives different values; we deliberately follow
/// GitHub so cache keys match what users see documented.)
public enum HashFiles {
    /// The first argument that turns on following symbolic links.
    public static let followSymbolicLinksOption = "--follow-symbolic-links"

    /// Computes `hashFiles(patterns...)` for `workspace` (an absolute path).
    ///
    /// - Parameter log: receives GitHub's informational messages (skipped files, file count).
    /// - Throws: `HashFilesError` for an invalid pattern or a file or directory that cannot be read.
    public static func hash(
        patterns: [String], workspace: String, log: (String) -> Void = { _ in }
    ) throws(HashFilesError) -> String {
        var patterns = patterns
        var follow = false
        if patterns.first == followSymbolicLinksOption {
            patterns.removeFirst()
            follow = true
        }
        let files = try matchFiles(patterns: patterns, workspace: workspace, followSymbolicLinks: follow, log: log)
        guard !files.isEmpty else { return "" }
        var combined = SHA256()
        for file in files { combined.update(try digest(ofFile: file)) }
        log("Found \(files.count) files to hash.")
        return SHA256.hex(combined.finalize())
    }

    /// The files `hash` would hash, in order (absolute paths).
    public static func matchFiles(
        patterns: [String], workspace: String, followSymbolicLinks: Bool = false, log: (String) -> Void = { _ in }
    ) throws(HashFilesError) -> [String] {
        guard workspace.hasPrefix("/") else { throw HashFilesError("The workspace '\(workspace)' is not an absolute path.") }
        let workspaceComponents = components(of: workspace)
        let homeComponents = components(of: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())

        var globs: [GlobPattern] = []
        for argument in patterns {
            for line in argument.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                let pattern = try GlobPattern(text, workingDirectory: workspaceComponents, homeDirectory: homeComponents)
                globs.append(pattern)
                if pattern.wantsDescendants { globs.append(pattern.withDescendants) }
            }
        }

        let workspacePrefix = workspaceComponents.isEmpty ? "/" : path(workspaceComponents) + "/"
        var files: [String] = []
        for candidate in try search(globs, followSymbolicLinks: followSymbolicLinks) {
            guard candidate.hasPrefix(workspacePrefix) else {
                log("Ignore '\(candidate)' since it is not under GITHUB_WORKSPACE.")
                continue
            }
            switch fileType(candidate, follow: true) {
            case .regular:
                files.append(candidate)
            case .directory:
                log("Skip directory '\(candidate)'.")
            case .other:
                log("Skip '\(candidate)' since it is not a regular file.")
            case nil:
                log("Skip '\(candidate)' since it does not exist (a broken symbolic link?).")
            }
        }
        return files
    }

    // MARK: - The globber

    /// `DefaultGlobber.globGenerator`, returning the matched non-directories.
    private static func search(_ patterns: [GlobPattern], followSymbolicLinks: Bool) throws(HashFilesError) -> [String] {
        var stack: [(path: [String], level: Int)] = []
        for searchPath in searchPaths(patterns) where fileType(path(searchPath), follow: false) != nil {
            stack.insert((searchPath, 1), at: 0)
        }

        var results: [String] = []
        var traversalChain: [String] = []
        while let item = stack.popLast() {
            var kind: GlobPattern.MatchKind = []
            for pattern in patterns {
                if pattern.negate { kind.subtract(pattern.match(item.path)) } else { kind.formUnion(pattern.match(item.path)) }
            }
            let partial = !kind.isEmpty || patterns.contains { !$0.negate && $0.partialMatch(item.path) }
            if kind.isEmpty && !partial { continue }

            let itemPath = path(item.path)
            guard let type = fileType(itemPath, follow: followSymbolicLinks) else { continue }
            if type == .directory {
                if followSymbolicLinks {
                    let real = realPath(itemPath)
                    while traversalChain.count >= item.level { traversalChain.removeLast() }
                    if traversalChain.contains(real) { continue }
                    traversalChain.append(real)
                }
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: itemPath)
                } catch {
                    throw HashFilesError("Unable to read the directory '\(itemPath)': \(error.localizedDescription)")
                }
                let sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for name in sorted.reversed() { stack.append((item.path + [name], item.level + 1)) }
            } else if kind.contains(.file) {
                results.append(itemPath)
            }
        }
        return results
    }

    /// `getSearchPaths`: the base directories of the include patterns, without duplicates or
    /// directories below another one, in pattern order.
    private static func searchPaths(_ patterns: [GlobPattern]) -> [[String]] {
        let includes = patterns.filter { !$0.negate }
        var state: [String: Bool] = [:]  // false: candidate, true: included
        for pattern in includes { state[path(pattern.searchPath)] = false }
        var result: [[String]] = []
        for pattern in includes {
            let key = path(pattern.searchPath)
            if state[key] == true { continue }
            var ancestor = pattern.searchPath
            var foundAncestor = false
            while !ancestor.isEmpty {
                ancestor.removeLast()
                if state[path(ancestor)] != nil {
                    foundAncestor = true
                    break
                }
            }
            if !foundAncestor {
                result.append(pattern.searchPath)
                state[key] = true
            }
        }
        return result
    }

    // MARK: - File system

    private enum FileType: Equatable {
        case regular
        case directory
        case other
    }

    private static func fileType(_ path: String, follow: Bool) -> FileType? {
        var info = stat()
        let status = follow ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The SHA-256 digest of a file's content, read in chunks.
    private static func digest(ofFile path: String) throws(HashFilesError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw HashFilesError("Unable to read the file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        let chunkSize = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunkSize)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw HashFilesError("Unable to read the file '\(path)': \(String(cString: strerror(errno)))")
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.finalize()
    }

    private static func components(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func path(_ components: [String]) -> String {
        "/" + components.joined(separator: "/")
    }
}
