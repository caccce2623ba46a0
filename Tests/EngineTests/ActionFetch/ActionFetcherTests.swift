import Engine
import Foundation
import HearthTestSupport
import Testing

@Suite struct ActionFetcherTests {
    @Test func fetchesATag() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        try sandbox.commit(files: ["later.txt": "after the tag\n"])

        let fetcher = sandbox.fetcher()
        let fetched = try await fetcher.fetch(sandbox.remote("owner/repo@v1"))
        #expect(fetched.commit == commit)
        #expect(fetched.ref == "v1")
        #expect(fetched.path == "")
        #expect(fetched.repositoryURL == "\(sandbox.server.baseURL)/owner/repo")
        #expect(fetched.directory == fetched.repositoryDirectory)
        #expect(fetched.actionFile == "\(fetched.directory)/action.yml")
        #expect(fetched.warnings.isEmpty)
        #expect(fetched.repositoryDirectory.hasPrefix(sandbox.cache + "/"))
        #expect(fetched.repositoryDirectory.hasSuffix("/" + commit))
        #expect(fileContents("\(fetched.directory)/README.md") == "sample action\n")
        #expect(!FileManager.default.fileExists(atPath: "\(fetched.directory)/later.txt"))
        #expect(!FileManager.default.fileExists(atPath: "\(fetched.directory)/.git"))
        #expect(FileManager.default.isExecutableFile(atPath: "\(fetched.directory)/scripts/run.sh"))
        #expect(await fetcher.networkOperations == 1)
        #expect(sandbox.server.requests.contains("GET /owner/repo/info/refs?service=git-upload-pack"))
    }

    @Test func fetchesABranchAndAnAnnotatedTag() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles)
        try GitFixture.tag(at: sandbox.repositories, name: "owner/repo", tag: "v2", annotated: true)
        let second = try sandbox.commit(files: ["action.yml": "name: second\n"])

        let fetcher = sandbox.fetcher()
        let branch = try await fetcher.fetch(sandbox.remote("owner/repo@main"))
        #expect(branch.commit == second)
        #expect(fileContents(branch.actionFile) == "name: second\n")
        let fullRef = try await fetcher.fetch(sandbox.remote("owner/repo@refs/heads/main"))
        #expect(fullRef.commit == second)
        let annotated = try await fetcher.fetch(sandbox.remote("owner/repo@v2"))
        #expect(annotated.commit == first)
        #expect(fileContents(annotated.actionFile) == sampleActionFiles["action.yml"])
    }

    @Test func fetchesACommitSha() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles)
        let second = try sandbox.commit(files: ["action.yml": "name: second\n"])
        try sandbox.commit(files: ["action.yml": "name: third\n"])

        let fetcher = sandbox.fetcher()
        let middle = try await fetcher.fetch(sandbox.remote("owner/repo@\(second)"))
        #expect(middle.commit == second)
        #expect(fileContents(middle.actionFile) == "name: second\n")
        let upper = try await fetcher.fetch(sandbox.remote("owner/repo@\(first.uppercased())"))
        #expect(upper.commit == first)
        #expect(await fetcher.networkOperations == 2)
    }

    /// Protocol v0 servers refuse a commit that is no branch or tag tip: the fetcher then fetches
    /// all branches and tags.
    @Test func fetchesANonTipShaFromAServerThatRefusesIt() async throws {
        let sandbox = try ActionFetchSandbox(protocolVersion2: false)
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles)
        try sandbox.commit(files: ["action.yml": "name: second\n"])

        let fetcher = sandbox.fetcher()
        let fetched = try await fetcher.fetch(sandbox.remote("owner/repo@\(first)"))
        #expect(fetched.commit == first)
        #expect(fileContents(fetched.actionFile) == sampleActionFiles["action.yml"])
        #expect(await fetcher.networkOperations == 2)

        let missing = String(repeating: "1", count: 40)
        await #expect(throws: ActionFetchError.refNotFound(ref: missing, url: "\(sandbox.server.baseURL)/owner/repo")) {
            try await fetcher.fetch(sandbox.remote("owner/repo@\(missing)"))
        }
    }

    @Test func fetchesASubDirectoryAction() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        try sandbox.repository(files: sampleActionFiles, tags: ["v1"])

        let fetcher = sandbox.fetcher()
        let nested = try await fetcher.fetch(sandbox.remote("owner/repo/nested/tool@v1"))
        #expect(nested.path == "nested/tool")
        #expect(nested.directory == "\(nested.repositoryDirectory)/nested/tool")
        #expect(nested.actionFile == "\(nested.directory)/action.yaml")
        let root = try await fetcher.fetch(sandbox.remote("owner/repo@v1"))
        #expect(root.repositoryDirectory == nested.repositoryDirectory)
        #expect(await fetcher.networkOperations == 1)
    }

    @Test func cachedCommitNeedsNoNetwork() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])

        let first = try await sandbox.fetcher().fetch(sandbox.remote("owner/repo@\(commit)"))
        sandbox.server.resetCounters()

        let fetcher = sandbox.fetcher()
        let again = try await fetcher.fetch(sandbox.remote("owner/repo@\(commit)"))
        #expect(again == first)
        // The same repository spelled with .git shares the cache entry.
        let dotGit = try await fetcher.fetch(sandbox.remote("owner/repo.git@\(commit)"))
        #expect(dotGit.repositoryDirectory == first.repositoryDirectory)
        #expect(sandbox.server.requestCount == 0)
        #expect(await fetcher.networkOperations == 0)
    }

    @Test func aRefIsResolvedOncePerFetcher() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles)

        let fetcher = sandbox.fetcher()
        #expect(try await fetcher.fetch(sandbox.remote("owner/repo@main")).commit == first)
        #expect(await fetcher.networkOperations == 1)

        let second = try sandbox.commit(files: ["action.yml": "name: moved\n"])
        sandbox.server.resetCounters()
        let same = try await fetcher.fetch(sandbox.remote("owner/repo@main"))
        #expect(same.commit == first)
        #expect(sandbox.server.requestCount == 0)
        #expect(await fetcher.networkOperations == 1)

        // A new fetcher (a new run) sees the move: one ls-remote, one fetch.
        let next = sandbox.fetcher()
        let moved = try await next.fetch(sandbox.remote("owner/repo@main"))
        #expect(moved.commit == second)
        #expect(fileContents(moved.actionFile) == "name: moved\n")
        #expect(await next.networkOperations == 2)

        // Unchanged since: only the ls-remote.
        sandbox.server.resetCounters()
        let third = sandbox.fetcher()
        #expect(try await third.fetch(sandbox.remote("owner/repo@main")).commit == second)
        #expect(await third.networkOperations == 1)
    }

    @Test func aBranchMovedBackToACachedCommitIsNotDownloaded() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles, tags: ["stable"])
        try await _ = sandbox.fetcher().fetch(sandbox.remote("owner/repo@stable"))
        let second = try sandbox.commit(files: ["action.yml": "name: second\n"], tags: ["stable"])
        try await _ = sandbox.fetcher().fetch(sandbox.remote("owner/repo@stable"))
        try GitFixture.tag(at: sandbox.repositories, name: "owner/repo", tag: "stable", commit: first)

        let fetcher = sandbox.fetcher()
        let back = try await fetcher.fetch(sandbox.remote("owner/repo@stable"))
        #expect(back.commit == first)
        #expect(back.commit != second)
        #expect(await fetcher.networkOperations == 1)
    }

    @Test func concurrentFetchesShareOneNetworkOperation() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let fetcher = sandbox.fetcher()
        let root = try sandbox.remote("owner/repo@v1")
        let nested = try sandbox.remote("owner/repo/nested/tool@v1")

        let results = try await withThrowingTaskGroup(of: FetchedAction.self) { group in
            for index in 0..<8 {
                group.addTask { try await fetcher.fetch(index.isMultiple(of: 2) ? root : nested) }
            }
            return try await group.reduce(into: [FetchedAction]()) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0.commit == commit })
        #expect(Set(results.map(\.repositoryDirectory)).count == 1)
        #expect(await fetcher.networkOperations == 1)
    }

    @Test func separateFetchersRacingOnOneCacheAgree() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        let action = try sandbox.remote("owner/repo@v1")
        let fetchers = (0..<4).map { _ in sandbox.fetcher() }

        let results = try await withThrowingTaskGroup(of: FetchedAction.self) { group in
            for fetcher in fetchers { group.addTask { try await fetcher.fetch(action) } }
            return try await group.reduce(into: [FetchedAction]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.commit == commit && fileContents($0.actionFile) == sampleActionFiles["action.yml"] })
        // No work directories are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.cache)/.tmp")
        #expect(leftovers.isEmpty)
    }

    @Test func reusesTheCacheWhenTheServerIsDown() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let commit = try sandbox.repository(files: sampleActionFiles, tags: ["v1"])
        try await _ = sandbox.fetcher().fetch(sandbox.remote("owner/repo@v1"))
        let action = try sandbox.remote("owner/repo@v1")
        sandbox.server.stop()

        let fetcher = sandbox.fetcher()
        let reused = try await fetcher.fetch(action)
        #expect(reused.commit == commit)
        #expect(reused.warnings.count == 1)
        let warning = try #require(reused.warnings.first)
        #expect(warning.hasPrefix("cannot reach \(sandbox.server.baseURL)/owner/repo ("))
        #expect(warning.contains("using commit \(commit) of 'v1' from the action cache"))

        // Nothing cached for this ref or commit: an error naming the URL.
        let url = "\(sandbox.server.baseURL)/owner/repo"
        let main = try sandbox.remote("owner/repo@main")
        do {
            _ = try await fetcher.fetch(main)
            Issue.record("expected an error")
        } catch {
            guard case .unreachable(let failedURL, let detail) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(failedURL == url)
            #expect(detail.contains("Couldn't connect") || detail.contains("Failed to connect"))
            #expect(error.description.hasPrefix("cannot reach \(url): "))
        }
        await #expect(throws: ActionFetchError.self) {
            try await fetcher.fetch(sandbox.remote("owner/repo@\(String(repeating: "a", count: 40))"))
        }
    }

    @Test func offlineModeUsesAResolvedRefWithoutAsking() async throws {
        let sandbox = try ActionFetchSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.repository(files: sampleActionFiles)
        try await _ = sandbox.fetcher().fetch(sandbox.remote("owner/repo@main"))
        try sandbox.commit(files: ["action.yml": "name: moved\n"])
        sandbox.server.resetCounters()

        let offline = sandbox.fetcher(offline: true)
        let fetched = try await offline.fetch(sandbox.remote("owner/repo@main"))
        #expect(fetched.commit == first)
        #expect(fetched.warnings.isEmpty)
        #expect(await offline.networkOperations == 0)
        #expect(sandbox.server.requestCount == 0)
    }
}
