import Foundation

/// Finds workflow files: `-W` may name a file or a directory; without it the first of
/// `.forgejo/workflows`, `.gitea/workflows` and `.github/workflows` that exists is used, as
/// Forgejo looks them up.
enum WorkflowDiscovery {
    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static let defaultDirectories = [".forgejo/workflows", ".gitea/workflows", ".github/workflows"]

    static func files(at path: String?, in directory: String) throws(NotFound) -> [String] {
        let fileManager = FileManager.default
        guard let path else {
            for candidate in defaultDirectories {
                let full = (directory as NSString).appendingPathComponent(candidate)
                if isDirectory(full) { return try files(at: full, in: directory) }
            }
            throw NotFound(description: "no workflows found: none of \(defaultDirectories.joined(separator: ", ")) exists in \(directory); pass -W FILE or -W DIRECTORY")
        }
        let full = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        if isDirectory(full) {
            let names = (try? fileManager.contentsOfDirectory(atPath: full)) ?? []
            let workflows = names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { (full as NSString).appendingPathComponent($0) }
            if workflows.isEmpty { throw NotFound(description: "no .yml or .yaml workflow files in \(full)") }
            return workflows
        }
        guard fileManager.fileExists(atPath: full) else {
            throw NotFound(description: "workflow path '\(path)' does not exist (looked for \(full))")
        }
        return [full]
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
