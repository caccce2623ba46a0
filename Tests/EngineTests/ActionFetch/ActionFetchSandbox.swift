import Engine
import Foundation
import HearthTestSupport

/// A temporary directory with repositories served by a `GitHTTPServer` and an empty action
/// cache, for one test. Removed by `remove()`.
final class ActionFetchSandbox: Sendable {
    let root: String
    let server: GitHTTPServer

    var repositories: String { "\(root)/repositories" }
    var cache: String { "\(root)/cache" }

    init(token: String? = nil, protocolVersion2: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.path + "/hearth-fetch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(root)/repositories", withIntermediateDirectories: true)
        server = try GitHTTPServer(root: "\(root)/repositories", requiredToken: token, protocolVersion2: protocolVersion2)
    }

    /// Creates `owner/repo` with `files` on `main`, tagged with `tags`; returns the commit.
    @discardableResult
    func repository(_ name: String = "owner/repo", files: [String: String], tags: [String] = []) throws -> String {
        try GitFixture.makeRepository(at: repositories, name: name, files: files, tags: tags)
    }

    @discardableResult
    func commit(_ name: String = "owner/repo", files: [String: String], tags: [String] = [], message: String = "update") throws -> String {
        try GitFixture.commit(at: repositories, name: name, files: files, tags: tags, message: message)
    }

    /// Parses `uses` with this server as the default instance.
    func remote(_ uses: String) throws -> RemoteAction {
        let reference = try ActionReference(parsing: uses, defaultBaseURL: server.baseURL)
        guard case .remote(let action) = reference.kind else { throw ActionFetchSandboxError("'\(uses)' is not remote") }
        return action
    }

    func fetcher(token: String? = nil, tokenHosts: Set<String>? = nil, offline: Bool = false) -> ActionFetcher {
        ActionFetcher(cacheDirectory: cache, token: token, tokenHosts: tokenHosts, offline: offline)
    }

    func remove() {
        server.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}

struct ActionFetchSandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The standard action repository of these tests.
let sampleActionFiles: [String: String] = [
    "action.yml": "name: sample\nruns:\n  using: composite\n  steps: []\n",
    "README.md": "sample action\n",
    "scripts/run.sh": "#!/bin/sh\necho hello\n",
    "nested/tool/action.yaml": "name: nested\nruns:\n  using: composite\n  steps: []\n",
    "docs/guide.md": "no action here\n",
]

/// Reads a file of a fetched tree.
func fileContents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}
