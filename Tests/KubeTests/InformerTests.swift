import Foundation
import Kube
import KubeTestDouble
import Logging
import Testing

@Suite("Informer")
struct InformerTests {
    /// Runs an informer on pods in "default" for the duration of `body`.
    func withInformer(options: KubeDoubleOptions = KubeDoubleOptions(), labelSelector: String? = nil,
                      seed: [String] = [],
                      _ body: (KubeDouble, KubeClient, KubeInformer, EventLog) async throws -> Void) async throws {
        try await withDouble(options: options) { double, client in
            for name in seed { _ = try await client.create(.pods, namespace: "default", podManifest(name, labels: ["app": "x"])) }
            let informer = KubeInformer(client: client, resource: .pods, namespace: "default", labelSelector: labelSelector,
                                        backoff: KubeRetryPolicy(initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100)))
            let log = EventLog()
            informer.addHandler { log.append($0) }
            let task = Task { await informer.run() }
            defer { task.cancel() }
            await informer.waitUntilSynced()
            try await body(double, client, informer, log)
            task.cancel()
            await task.value
        }
    }

    @Test func initialListFillsTheCacheAndReportsSynced() async throws {
        try await withInformer(seed: ["a", "b"]) { _, client, informer, log in
            #expect(informer.objects().compactMap(\.objectName) == ["a", "b"])
            #expect(informer.object(named: "a")?.objectName == "a")
            #expect(log.all.filter(\.isAdded).compactMap(\.name) == ["a", "b"])
            #expect(log.all.last?.isSynced == true)
            #expect(client.statistics.lists == 1)
        }
    }

    @Test func watchEventsReachEveryHandler() async throws {
        try await withInformer { _, client, informer, log in
            let second = EventLog()
            let id = informer.addHandler { second.append($0) }
            _ = try await client.create(.pods, namespace: "default", podManifest("w"))
            try await eventually("ADDED") { log.contains { $0.isAdded && $0.name == "w" } && second.contains { $0.isAdded && $0.name == "w" } }
            _ = try await client.patch(.pods, namespace: "default", name: "w", mergePatch: ["metadata": ["labels": ["k": "v"]]])
            try await eventually("MODIFIED") { log.contains { $0.isModified && $0.name == "w" } }
            #expect(informer.object(named: "w")?.objectLabels["k"] == "v")
            informer.removeHandler(id)
            try await client.delete(.pods, namespace: "default", name: "w")
            try await eventually("DELETED") { log.contains { $0.isDeleted && $0.name == "w" } }
            #expect(informer.object(named: "w") == nil)
            #expect(!second.contains { $0.isDeleted })
        }
    }

    @Test func bookmarksAdvanceTheResourceVersion() async throws {
        var options = KubeDoubleOptions()
        options.bookmarkInterval = .milliseconds(100)
        try await withInformer(options: options) { double, client, informer, log in
            let before = Int(informer.resourceVersion ?? "") ?? 0
            // Changes the informer does not watch (another namespace) move the global revision only.
            _ = try await client.create(.namespaces, namespace: nil, ["metadata": ["name": "elsewhere"]])
            _ = try await client.create(.pods, namespace: "elsewhere", podManifest("far"))
            let target = await double.resourceVersion
            #expect(target > before)
            try await eventually("a bookmark") { Int(informer.resourceVersion ?? "") ?? 0 >= target }
            #expect(!log.contains { $0.name == "far" })
        }
    }

    @Test func aClosedWatchResumesWithoutListingAgain() async throws {
        try await withInformer(seed: ["a"]) { double, client, informer, log in
            try await eventually("the watch to open") { await double.openWatches == 1 }
            await double.closeAllWatches()
            _ = try await client.create(.pods, namespace: "default", podManifest("after-close"))
            try await eventually("the event after the reconnect") { log.contains { $0.isAdded && $0.name == "after-close" } }
            #expect(double.requestCount(verb: .list, resource: "pods") == 1)
            #expect(client.statistics.lists == 1)
            #expect(double.requestCount(verb: .watch, resource: "pods") >= 2)
            #expect(await double.maxConcurrentWatches == 1)
        }
    }

    @Test func goneAfterCompactionListsAgainAndReportsDeletions() async throws {
        try await withInformer(seed: ["keep", "vanish"]) { double, client, informer, log in
            try await eventually("the watch to open") { await double.openWatches == 1 }
            // Keep the informer from watching while the pod goes and the history is compacted.
            double.failNext(10_000, method: "GET", pathPrefix: "/api/v1/namespaces/default/pods", watch: true, status: 503)
            await double.closeAllWatches()
            try await eventually("a failed re-watch") { double.requestCount(verb: .watch, resource: "pods") >= 2 }
            _ = try await double.create(.pods, namespace: "default", podManifest("added-meanwhile"))
            let other = try KubeClient(configuration: double.configuration, retry: .none, logger: Logger(label: "other"))
            try await other.delete(.pods, namespace: "default", name: "vanish")
            await other.shutdown()
            await double.compact()
            double.clearFaults()
            try await eventually("the deletion found by the re-list") { log.contains { $0.isDeleted && $0.name == "vanish" } }
            try await eventually("the addition found by the re-list") { log.contains { $0.isAdded && $0.name == "added-meanwhile" } }
            #expect(double.requestCount(verb: .list, resource: "pods") == 2)
            #expect(informer.objects().compactMap(\.objectName) == ["added-meanwhile", "keep"])
            #expect(log.all.filter(\.isSynced).count == 2)
            #expect(await double.maxConcurrentWatches == 1)
            // And it watches again afterwards.
            _ = try await client.create(.pods, namespace: "default", podManifest("later"))
            try await eventually("an event after the re-list") { log.contains { $0.isAdded && $0.name == "later" } }
        }
    }

    @Test func labelSelectorScopesTheInformer() async throws {
        try await withInformer(labelSelector: "app=x", seed: ["x1"]) { _, client, informer, log in
            _ = try await client.create(.pods, namespace: "default", podManifest("other", labels: ["app": "y"]))
            _ = try await client.create(.pods, namespace: "default", podManifest("x2", labels: ["app": "x"]))
            try await eventually("x2") { log.contains { $0.name == "x2" } }
            #expect(!log.contains { $0.name == "other" })
            // A pod relabelled out of the selector is reported deleted, as the API server's watch does.
            _ = try await client.patch(.pods, namespace: "default", name: "x1", mergePatch: ["metadata": ["labels": ["app": "z"]]])
            try await eventually("x1 leaving the selector") { log.contains { $0.isDeleted && $0.name == "x1" } }
            #expect(informer.objects().compactMap(\.objectName) == ["x2"])
        }
    }

    @Test func waitUntilSyncedReturnsWhenCancelled() async throws {
        let double = try await KubeDouble.start()
        let client = try KubeClient(configuration: double.configuration, retry: fastRetry, logger: .init(label: "t"))
        let informer = KubeInformer(client: client, resource: .pods, namespace: "default")
        let waiter = Task { await informer.waitUntilSynced() }
        waiter.cancel()
        await waiter.value
        #expect(!informer.isSynced)
        await client.shutdown()
        await double.stop()
    }
}
