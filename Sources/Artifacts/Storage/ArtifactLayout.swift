import Foundation

/// The files under the artifact directory:
///
/// - `<run>/<name>/<path>`: a v3 artifact's files; a file uploaded gzip-compressed is kept as sent,
///   as `<path>.gz__` (act's convention), and served back with `Content-Encoding: gzip`;
/// - `<run>/<name>/<name>.zip`: a v4 artifact (the zip the toolkit uploads);
/// - `.hearth-uploads/<server>/`: uploads in progress of one server process, moved into place
///   with `rename` only once complete and removed when the server stops.
///
/// Run ids, names and item paths are checked before they become paths: no `..`, no absolute or
/// empty segments, nothing that could leave the directory.
struct ArtifactLayout: Sendable {
    let root: String

    /// The suffix of files stored gzip-compressed.
    static let gzipSuffix = ".gz__"
    /// Characters the toolkit refuses in artifact names (plus NUL).
    static let forbiddenNameCharacters: Set<Character> = ["\"", ":", "<", ">", "|", "*", "?", "\r", "\n", "\\", "/", "\0"]

    var stagingParent: String { root + "/.hearth-uploads" }

    func runDirectory(_ runID: String) -> String { root + "/" + runID }

    func artifactDirectory(runID: String, name: String) -> String { runDirectory(runID) + "/" + name }

    /// Where a v3 file lives, given its path segments inside the artifact.
    func filePath(runID: String, name: String, segments: [String], gzip: Bool) -> String {
        artifactDirectory(runID: runID, name: name) + "/" + segments.joined(separator: "/") + (gzip ? Self.gzipSuffix : "")
    }

    /// Where a v4 artifact's zip lives.
    func zipPath(runID: String, name: String) -> String {
        artifactDirectory(runID: runID, name: name) + "/" + name + ".zip"
    }

    /// Run ids are what `GITHUB_RUN_ID` holds: letters, digits, `-` and `_`.
    static func validRunID(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.count <= 128 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Checks an artifact name as the toolkit does (and refuses `.` and `..`).
    static func checkName(_ name: String) throws(ArtifactFailure) {
        guard !name.isEmpty, name.utf8.count <= 255, name != ".", name != "..",
              !name.contains(where: { forbiddenNameCharacters.contains($0) }) else {
            throw .badRequest("invalid artifact name \"\(name)\": it must not be empty, . or .., nor contain \" : < > | * ? \\ / or line breaks")
        }
    }

    /// Splits a v3 `itemPath` (`<artifact name>/<relative path>`) into the name and the segments
    /// of the relative path; 400 for absolute paths, `.`/`..`/empty segments, or no file part.
    static func splitItemPath(_ itemPath: String) throws(ArtifactFailure) -> (name: String, segments: [String]) {
        guard !itemPath.hasPrefix("/") else {
            throw .badRequest("invalid itemPath \"\(itemPath)\": absolute paths are not allowed")
        }
        let parts = itemPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else {
            throw .badRequest("invalid itemPath \"\(itemPath)\": expected <artifact name>/<file path>")
        }
        try checkName(parts[0])
        let segments = Array(parts.dropFirst())
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..", !segment.contains("\0"), segment.utf8.count <= 255 else {
                throw .badRequest("invalid itemPath \"\(itemPath)\": empty, . and .. segments are not allowed")
            }
        }
        guard !segments[segments.count - 1].hasSuffix(gzipSuffix) else {
            throw .badRequest("invalid itemPath \"\(itemPath)\": names ending in \(gzipSuffix) are reserved")
        }
        return (parts[0], segments)
    }
}
