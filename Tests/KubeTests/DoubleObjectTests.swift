import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("Double: objects, selectors, garbage collection")
struct DoubleObjectTests {
    @Test func labelSelectorsFilterLists() async throws {
        try await withDouble { _, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("a", labels: ["app": "a", "tier": "web"]))
            _ = try await client.create(.pods, namespace: "default", podManifest("b", labels: ["app": "b"]))
            _ = try await client.create(.pods, namespace: "default", podManifest("c", labels: ["app": "c", "tier": "db"]))
            func names(_ selector: String) async throws -> [String] {
                try await client.list(.pods, namespace: "default", labelSelector: selector).items.compactMap(\.objectName)
            }
            #expect(try await names("app=a") == ["a"])
            #expect(try await names("app==a") == ["a"])
            #expect(try await names("app!=a") == ["b", "c"])
            #expect(try await names("app in (a,c)") == ["a", "c"])
            #expect(try await names("app notin (a, c)") == ["b"])
            #expect(try await names("tier") == ["a", "c"])
            #expect(try await names("!tier") == ["b"])
            #expect(try await names("tier,app!=c") == ["a"])
            #expect(try await names("tier!=web") == ["b", "c"])
        }
    }

    @Test func labelSelectorParsing() throws {
        let selector = try KubeLabelSelector(parsing: "a=b, c in (d, e), !f, g")
        #expect(selector.requirements.count == 4)
        #expect(selector.matches(["a": "b", "c": "e", "g": "1"]))
        #expect(!selector.matches(["a": "b", "c": "e", "g": "1", "f": "x"]))
        #expect(try KubeLabelSelector(parsing: "").matches([:]))
        #expect(throws: KubeLabelSelectorError.self) { try KubeLabelSelector(parsing: "a in b") }
        #expect(throws: KubeLabelSelectorError.self) { try KubeLabelSelector(parsing: "a=b,,c") }
    }

    @Test func deletingAnOwnerDeletesItsDependents() async throws {
        try await withDouble { _, client in
            let owner = try await client.create(.pods, namespace: "default", podManifest("owner"))
            let reference: JSONValue = ["apiVersion": "v1", "kind": "Pod", "name": "owner", "uid": owner["metadata"]!["uid"]!]
            _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": "owned", "ownerReferences": [reference]]])
            _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": "free"]])
            let list = try await client.list(.secrets, namespace: "default")
            try await client.delete(.pods, namespace: "default", name: "owner")
            let remaining = try await client.list(.secrets, namespace: "default").items.compactMap(\.objectName)
            #expect(remaining == ["free"])
            // Watchers see the dependent go.
            var deleted: [String] = []
            for try await event in client.watch(.secrets, namespace: "default", resourceVersion: list.resourceVersion, timeoutSeconds: 1) {
                if event.type == .deleted, let name = event.object.objectName { deleted.append(name) }
                if !deleted.isEmpty { break }
            }
            #expect(deleted == ["owned"])
        }
    }

    @Test func orphanPropagationKeepsDependents() async throws {
        try await withDouble { double, client in
            let owner = try await client.create(.pods, namespace: "default", podManifest("owner"))
            let reference: JSONValue = ["apiVersion": "v1", "kind": "Pod", "name": "owner", "uid": owner["metadata"]!["uid"]!]
            _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": "owned", "ownerReferences": [reference]]])
            try await client.delete(.pods, namespace: "default", name: "owner", propagation: .orphan)
            let kept = try #require(await double.object(.secrets, namespace: "default", name: "owned"))
            #expect(kept[path: "metadata", "ownerReferences"] == nil)
        }
    }

    @Test func deletingANamespaceDeletesItsObjects() async throws {
        try await withDouble { double, client in
            _ = try await client.create(.namespaces, namespace: nil, ["metadata": ["name": "scratch"]])
            _ = try await client.create(.pods, namespace: "scratch", podManifest("p"))
            try await client.delete(.namespaces, namespace: nil, name: "scratch")
            #expect(await double.objects(.pods, namespace: "scratch").isEmpty)
        }
    }

    @Test func finalizersHoldDeletionUntilRemoved() async throws {
        try await withDouble { double, client in
            _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": "held", "finalizers": ["hearth/test"]]])
            try await client.delete(.secrets, namespace: "default", name: "held")
            let held = try #require(await double.object(.secrets, namespace: "default", name: "held"))
            #expect(held[path: "metadata", "deletionTimestamp"] != nil)
            _ = try await client.patch(.secrets, namespace: "default", name: "held", mergePatch: ["metadata": ["finalizers": nil]])
            #expect(await double.object(.secrets, namespace: "default", name: "held") == nil)
        }
    }

    @Test func gracefulPodDeletion() async throws {
        var options = KubeDoubleOptions()
        options.honourGracePeriod = true
        options.autoRunPods = true
        try await withDouble(options: options) { double, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("slow"))
            try await eventually("running") { await double.object(.pods, namespace: "default", name: "slow")?[path: "status", "phase"] == "Running" }
            try await client.delete(.pods, namespace: "default", name: "slow", gracePeriodSeconds: 1)
            let terminating = try #require(await double.object(.pods, namespace: "default", name: "slow"))
            #expect(terminating[path: "metadata", "deletionTimestamp"] != nil)
            #expect(terminating[path: "metadata", "deletionGracePeriodSeconds"] == 1)
            try await eventually("removal after the grace period") { await double.object(.pods, namespace: "default", name: "slow") == nil }
            // Grace period 0 removes at once.
            _ = try await client.create(.pods, namespace: "default", podManifest("fast"))
            try await eventually("running") { await double.object(.pods, namespace: "default", name: "fast")?[path: "status", "phase"] == "Running" }
            try await client.delete(.pods, namespace: "default", name: "fast", gracePeriodSeconds: 0)
            #expect(await double.object(.pods, namespace: "default", name: "fast") == nil)
        }
    }

    @Test func statusIsKeptOnReplaceAndWrittenThroughTheSubresource() async throws {
        try await withDouble { _, client in
            let pod = try await client.create(.pods, namespace: "default", podManifest("s"))
            var changed = pod
            changed["status"] = ["phase": "Succeeded"]
            let replaced = try await client.replace(.pods, namespace: "default", name: "s", changed)
            #expect(replaced[path: "status", "phase"] == "Pending")
            let patched = try await client.patchStatus(.pods, namespace: "default", name: "s", mergePatch: ["status": ["phase": "Running"]])
            #expect(patched[path: "status", "phase"] == "Running")
        }
    }
}
