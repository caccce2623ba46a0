import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("Double: watch semantics")
struct DoubleWatchTests {
    /// Reads events from a watch until `count` arrived (or the stream ended), at most 15 s.
    func collect(_ stream: AsyncThrowingStream<KubeWatchEvent, any Error>, count: Int) async throws -> [KubeWatchEvent] {
        try await withThrowingTaskGroup(of: [KubeWatchEvent].self) { group in
            group.addTask {
                var events: [KubeWatchEvent] = []
                for try await event in stream {
                    events.append(event)
                    if events.count == count { break }
                }
                return events
            }
            group.addTask {
                try await Task.sleep(for: .seconds(15))
                throw TimedOut(description: "watch events")
            }
            let events = try await group.next()!
            group.cancelAll()
            return events
        }
    }

    @Test func watchWithoutVersionStartsWithTheExistingObjects() async throws {
        try await withDouble { _, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("one"))
            let events = try await collect(client.watch(.pods, namespace: "default"), count: 1)
            #expect(events.map(\.type) == [.added])
            #expect(events.first?.object.objectName == "one")
            #expect(events.first?.object["kind"] == "Pod")
        }
    }

    @Test func watchFromAVersionReplaysLaterChanges() async throws {
        try await withDouble { _, client in
            let list = try await client.list(.pods, namespace: "default")
            _ = try await client.create(.pods, namespace: "default", podManifest("p"))
            _ = try await client.patch(.pods, namespace: "default", name: "p", mergePatch: ["metadata": ["labels": ["a": "b"]]])
            try await client.delete(.pods, namespace: "default", name: "p")
            let events = try await collect(client.watch(.pods, namespace: "default", resourceVersion: list.resourceVersion), count: 3)
            #expect(events.map(\.type) == [.added, .modified, .deleted])
            let versions = events.compactMap { Int($0.object.objectResourceVersion ?? "") }
            #expect(versions == versions.sorted() && Set(versions).count == 3)
        }
    }

    @Test func compactedVersionsAreExpired() async throws {
        try await withDouble { double, client in
            let list = try await client.list(.pods, namespace: "default")
            _ = try await client.create(.pods, namespace: "default", podManifest("p"))
            await double.compact()
            let events = try await collect(client.watch(.pods, namespace: "default", resourceVersion: list.resourceVersion), count: 5)
            #expect(events.map(\.type) == [.error])
            let error = try #require(events.first?.error)
            #expect(error.isGone)
            #expect(error.reason == "Expired")
            await expectAPIError(statusCode: 410, check: \.isGone) {
                _ = try await client.list(.pods, namespace: "default", resourceVersion: list.resourceVersion)
            }
        }
    }

    @Test func historyIsBounded() async throws {
        var options = KubeDoubleOptions()
        options.historyLimit = 3
        try await withDouble(options: options) { _, client in
            let list = try await client.list(.secrets, namespace: "default")
            for index in 0..<5 { _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": .string("s\(index)")]]) }
            let events = try await collect(client.watch(.secrets, namespace: "default", resourceVersion: list.resourceVersion), count: 5)
            #expect(events.first?.error?.isGone == true)
        }
    }

    @Test func bookmarksAndTimeoutEndTheStream() async throws {
        var options = KubeDoubleOptions()
        options.bookmarkInterval = .milliseconds(200)
        try await withDouble(options: options) { double, client in
            let list = try await client.list(.pods, namespace: "default")
            let start = ContinuousClock.now
            let events = try await collect(client.watch(.pods, namespace: "default", resourceVersion: list.resourceVersion,
                                                        allowBookmarks: true, timeoutSeconds: 1), count: 100)
            #expect(ContinuousClock.now - start < .seconds(30))
            #expect(!events.isEmpty && events.allSatisfy { $0.type == .bookmark })
            #expect(events.first?.object.objectResourceVersion == list.resourceVersion)
            #expect(await double.openWatches == 0)
            let quiet = try await collect(client.watch(.pods, namespace: "default", resourceVersion: list.resourceVersion,
                                                       allowBookmarks: false, timeoutSeconds: 1), count: 100)
            #expect(quiet.isEmpty)
        }
    }

    @Test func closingWatchesEndsTheirStreams() async throws {
        try await withDouble { double, client in
            let stream = client.watch(.pods, namespace: "default", resourceVersion: "1")
            let reader = Task { try await collect(stream, count: 100) }
            try await eventually("the watch") { await double.openWatches == 1 }
            await double.closeAllWatches()
            let events = try await reader.value
            #expect(events.isEmpty)
            #expect(client.statistics.watchesOpened == 1)
        }
    }
}
