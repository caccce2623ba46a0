import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("Client CRUD against the double")
struct ClientCRUDTests {
    @Test func createGetListPatchReplaceDelete() async throws {
        try await withDouble { double, client in
            let created = try await client.create(.pods, namespace: "default", podManifest("web", labels: ["app": "web"]))
            #expect(created.objectName == "web")
            #expect(created.objectUID?.isEmpty == false)
            #expect(created[path: "metadata", "creationTimestamp"]?.stringValue != nil)
            let version = try #require(created.objectResourceVersion.flatMap { Int($0) })

            let fetched = try await client.get(.pods, namespace: "default", name: "web")
            #expect(fetched == created)

            let list = try await client.list(.pods, namespace: "default")
            #expect(list.items.map(\.objectName) == ["web"])
            #expect(Int(list.resourceVersion) ?? 0 >= version)

            let patched = try await client.patch(.pods, namespace: "default", name: "web",
                                                 mergePatch: ["metadata": ["labels": ["tier": "front"]]])
            #expect(patched.objectLabels == ["app": "web", "tier": "front"])
            #expect(Int(patched.objectResourceVersion ?? "") ?? 0 > version)

            // A PUT carrying the resourceVersion from before the patch is stale.
            var stale = created
            stale["metadata"]?["labels"] = ["app": "changed"]
            await #expect(throws: KubeAPIError.self) {
                _ = try await client.replace(.pods, namespace: "default", name: "web", stale)
            }
            do {
                _ = try await client.replace(.pods, namespace: "default", name: "web", stale)
            } catch let error as KubeAPIError {
                #expect(error.isConflict)
                #expect(error.statusCode == 409)
                #expect(error.message.contains("the object has been modified"))
            }
            var current = patched
            current["metadata"]?["annotations"] = ["note": "replaced"]
            let replaced = try await client.replace(.pods, namespace: "default", name: "web", current)
            #expect(replaced[path: "metadata", "annotations", "note"] == "replaced")

            #expect(try await client.delete(.pods, namespace: "default", name: "web"))
            #expect(try await client.delete(.pods, namespace: "default", name: "web") == false)
            do {
                _ = try await client.get(.pods, namespace: "default", name: "web")
                Issue.record("get after delete succeeded")
            } catch let error as KubeAPIError {
                #expect(error.isNotFound)
                #expect(error.reason == "NotFound")
            }
            #expect(client.statistics.writes[.create] == 1)
            #expect(client.statistics.writes[.patch] == 1)
            #expect(client.statistics.writes[.update] == 3)
            #expect(client.statistics.writes[.delete] == 2)
            #expect(double.requestCount(verb: .create, resource: "pods") == 1)
        }
    }

    @Test func resourceVersionsIncreaseGloballyAndNoOpUpdatesKeepThem() async throws {
        try await withDouble { _, client in
            let a = try await client.create(.secrets, namespace: "default", ["metadata": ["name": "a"], "stringData": ["k": "v"]])
            let b = try await client.create(.leases, namespace: "default", ["metadata": ["name": "b"], "spec": ["holderIdentity": "x"]])
            #expect(Int(b.objectResourceVersion!)! > Int(a.objectResourceVersion!)!)
            #expect(a[path: "data", "k"] == "dg==")
            #expect(a["stringData"] == nil)
            #expect(b["apiVersion"] == "coordination.k8s.io/v1")
            let same = try await client.patch(.leases, namespace: "default", name: "b", mergePatch: ["spec": ["holderIdentity": "x"]])
            #expect(same.objectResourceVersion == b.objectResourceVersion)
        }
    }

    @Test func generateNameAssignsAName() async throws {
        try await withDouble { _, client in
            let pod = try await client.create(.pods, namespace: "default",
                                              ["metadata": ["generateName": "job-"], "spec": ["containers": [["name": "c", "image": "i"]]]])
            let name = try #require(pod.objectName)
            #expect(name.hasPrefix("job-") && name.count == 9)
        }
    }

    @Test func createErrorsMatchTheAPIServer() async throws {
        try await withDouble { _, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("dup"))
            await expectAPIError(statusCode: 409, check: \.isAlreadyExists) {
                _ = try await client.create(.pods, namespace: "default", podManifest("dup"))
            }
            await expectAPIError(statusCode: 422, check: \.isInvalid) {
                _ = try await client.create(.pods, namespace: "default", podManifest("Not_A_Name"))
            }
            await expectAPIError(statusCode: 422, check: \.isInvalid) {
                _ = try await client.create(.pods, namespace: "default", ["metadata": ["name": "empty"], "spec": ["containers": []]])
            }
            await expectAPIError(statusCode: 404, check: \.isNotFound) {
                _ = try await client.create(.pods, namespace: "nowhere", podManifest("lost"))
            }
            await expectAPIError(statusCode: 400, check: { $0.reason == "BadRequest" }) {
                _ = try await client.list(.pods, namespace: "default", labelSelector: "app in (a")
            }
        }
    }

    @Test func missingNamespacesCanBeAutoCreated() async throws {
        var options = KubeDoubleOptions()
        options.autoCreateNamespaces = true
        try await withDouble(options: options) { double, client in
            _ = try await client.create(.pods, namespace: "fresh", podManifest("p"))
            #expect(await double.object(.namespaces, namespace: nil, name: "fresh") != nil)
        }
    }

    @Test func deletePreconditionUIDMismatchIsAConflict() async throws {
        try await withDouble { double, client in
            let pod = try await client.create(.pods, namespace: "default", podManifest("p"))
            await expectAPIError(statusCode: 409, check: \.isConflict) {
                _ = try await client.delete(.pods, namespace: "default", name: "p", preconditionUID: "not-the-uid")
            }
            #expect(await double.object(.pods, namespace: "default", name: "p") != nil)
            #expect(try await client.delete(.pods, namespace: "default", name: "p", preconditionUID: pod.objectUID))
        }
    }

    @Test func bearerTokenIsRequiredWhenConfigured() async throws {
        var options = KubeDoubleOptions()
        options.bearerToken = "sesame"
        try await withDouble(options: options) { double, client in
            _ = try await client.list(.pods, namespace: "default")
            let anonymous = try KubeClient(configuration: KubeConfiguration(server: double.url), retry: .none, logger: .init(label: "t"))
            await expectAPIError(statusCode: 401, check: \.isUnauthorized) {
                _ = try await anonymous.list(.pods, namespace: "default")
            }
            await anonymous.shutdown()
            #expect(double.recordedAuthorizations.contains("Bearer sesame"))
            #expect(double.recordedAuthorizations.contains(""))
        }
    }
}

func expectAPIError(statusCode: Int, check: (KubeAPIError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a \(statusCode) error", sourceLocation: sourceLocation)
    } catch let error as KubeAPIError {
        #expect(error.statusCode == statusCode, "\(error)", sourceLocation: sourceLocation)
        #expect(check(error), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
