import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The on-disk layout of the action cache, safe to share between fetchers and processes:
///
/// ```
/// <root>/.tmp/<uuid>/                   work directories (a fetch in progress)
/// <root>/<host-owner-repo>-<hash>/      one repository (hash of its credential-free URL)
///     repository                        that URL, for people looking at the cache
///     refs/<percent-encoded ref>        the commit the ref last resolved to
///     <commit>/                         a clean tree of that commit, without .git
/// ```
///
/// A tree is complete once it exists: it is built in a work directory and renamed into place,
/// so a crash never leaves a partial tree under its final name.
struct ActionCache: Sendable {
    let root: String

    private var workRoot: String { "\(root)/.tmp" }

    /// The directory of one repository.
    func entryDirectory(for identity: String) -> String {
        "\(root)/\(Self.entryName(for: identity))"
    }

    func treeDirectory(for identity: String, commit: String) -> String {
        "\(entryDirectory(for: identity))/\(commit)"
    }

    func hasTree(for identity: String, commit: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: treeDirectory(for: identity, commit: commit), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// The commit `ref` resolved to the last time it was fetched, if recorded.
    func recordedCommit(for identity: String, ref: String) -> String? {
        let file = "\(entryDirectory(for: identity))/refs/\(Self.encode(ref))"
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return ActionURL.isCommitSHA(commit) ? commit : nil
    }

    /// Remembers that `ref` resolved to `commit` (atomically replacing an older record).
    func record(commit: String, for identity: String, ref: String) throws(ActionFetchError) {
        let directory = "\(entryDirectory(for: identity))/refs"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data((commit + "\n").utf8).write(to: URL(fileURLWithPath: "\(directory)/\(Self.encode(ref))"), options: .atomic)
        } catch {
            throw .cacheFailed(detail: "cannot write \(directory): \(error.localizedDescription)")
        }
    }

    /// A new, empty work directory inside the cache (same file system, so trees can be renamed
    /// into place).
    func makeWorkDirectory() throws(ActionFetchError) -> String {
        let directory = "\(workRoot)/\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cacheFailed(detail: "cannot create \(directory): \(error.localizedDescription)")
        }
        return directory
    }

    func removeWorkDirectory(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Removes work directories left behind by fetches that died more than `age` ago.
    func removeStaleWorkDirectories(olderThan age: TimeInterval) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: workRoot) else { return }
        let limit = Date().addingTimeInterval(-age)
        for name in names {
            let path = "\(workRoot)/\(name)"
            if let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < limit {
                try? manager.removeItem(atPath: path)
            }
        }
    }

    /// Moves the finished `tree` to its final place and returns that place. If another fetch
    /// installed the same commit first, that tree is kept and `tree` is left to be removed.
    func install(tree: String, for identity: String, commit: String, repositoryURL: String) throws(ActionFetchError) -> String {
        let entry = entryDirectory(for: identity)
        let destination = treeDirectory(for: identity, commit: commit)
        do {
            try FileManager.default.createDirectory(atPath: entry, withIntermediateDirectories: true)
            let marker = "\(entry)/repository"
            if !FileManager.default.fileExists(atPath: marker) {
                try Data((repositoryURL + "\n").utf8).write(to: URL(fileURLWithPath: marker), options: .atomic)
            }
        } catch {
            throw .cacheFailed(detail: "cannot write \(entry): \(error.localizedDescription)")
        }
        if rename(tree, destination) != 0 {
            let code = errno
            guard hasTree(for: identity, commit: commit) else {
                throw .cacheFailed(detail: "cannot move the checkout to \(destination): \(String(cString: strerror(code)))")
            }
        }
        return destination
    }

    /// A readable, file-name-safe prefix of the URL plus a hash of all of it.
    static func entryName(for identity: String) -> String {
        var readable = identity
        if let schemeEnd = readable.range(of: "://") { readable = String(readable[schemeEnd.upperBound...]) }
        let safe = String(readable.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_")
                ? Character(scalar) : "-"
        })
        let trimmed = String(safe.prefix(80)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        for byte in identity.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\(trimmed.isEmpty ? "repository" : trimmed)-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    /// Percent-encodes everything but letters, digits, `.`, `_` and `-` (so `refs/heads/x` is one
    /// file name).
    static func encode(_ ref: String) -> String {
        var result = ""
        for byte in ref.utf8 {
            let scalar = Unicode.Scalar(byte)
            if result.isEmpty && byte == 0x2e {
                result += "%2E"  // never a hidden or special file name
            } else if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || byte == 0x2e || byte == 0x5f || byte == 0x2d) {
                result.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
