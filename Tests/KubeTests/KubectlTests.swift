import Foundation
import Kube
import KubeTestDouble
import Testing

let kubectlPath = "/usr/bin/kubectl"

/// kubectl (v1.32) against the double, as against a cluster.
@Suite("kubectl", .enabled(if: FileManager.default.isExecutableFile(atPath: kubectlPath)))
struct KubectlTests {
    static let kubectl = kubectlPath

    func environment(_ directory: TemporaryDirectory) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": directory.path, "KUBECONFIG": directory.path + "/no-kubeconfig"]
    }

    func kubectl(_ double: KubeDouble, _ arguments: [String], _ directory: TemporaryDirectory) async throws -> ProcessOutput {
        try await RunningProcess.run(Self.kubectl, ["--server", double.url, "--request-timeout=20s"] + arguments,
                                     environment: environment(directory), directory: directory, timeout: .seconds(60))
    }

    @Test func getCreateDelete() async throws {
        let directory = try TemporaryDirectory()
        try await withDouble { double, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("seeded", labels: ["app": "demo"]))
            let listed = try await kubectl(double, ["get", "pods", "-o", "json"], directory)
            try #require(listed.status == 0, "\(listed.standardError)")
            let list = try JSONValue(parsing: Data(listed.standardOutput.utf8))
            #expect(list["items"]?.arrayValue?.compactMap(\.objectName) == ["seeded"])

            let manifest = try directory.write("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: from-kubectl
                  labels: {app: demo}
                spec:
                  containers:
                  - name: main
                    image: busybox
                """)
            let created = try await kubectl(double, ["create", "-f", manifest, "--validate=false"], directory)
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardOutput.contains("pod/from-kubectl created"))
            #expect(await double.object(.pods, namespace: "default", name: "from-kubectl") != nil)

            let names = try await kubectl(double, ["get", "pods", "-l", "app=demo", "-o", "name"], directory)
            #expect(names.standardOutput.split(separator: "\n") == ["pod/from-kubectl", "pod/seeded"])

            let duplicate = try await kubectl(double, ["create", "-f", manifest, "--validate=false"], directory)
            #expect(duplicate.status != 0)
            #expect(duplicate.standardError.contains("AlreadyExists") || duplicate.standardError.contains("already exists"))

            let deleted = try await kubectl(double, ["delete", "pod", "from-kubectl", "--wait=false"], directory)
            #expect(deleted.status == 0, "\(deleted.standardError)")
            #expect(deleted.standardOutput.contains("pod \"from-kubectl\" deleted"))
            #expect(await double.object(.pods, namespace: "default", name: "from-kubectl") == nil)

            let namespaces = try await kubectl(double, ["get", "namespaces", "-o", "name"], directory)
            #expect(namespaces.standardOutput.contains("namespace/default"))
            let missing = try await kubectl(double, ["get", "pod", "nope"], directory)
            #expect(missing.status != 0)
            #expect(missing.standardError.contains("NotFound") || missing.standardError.contains("not found"))
        }
    }

    @Test func watchSeesANewPod() async throws {
        let directory = try TemporaryDirectory()
        try await withDouble { double, client in
            let watching = try RunningProcess(Self.kubectl, ["--server", double.url, "get", "pods", "-w", "--request-timeout=30s",
                                                             "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase"],
                                              environment: environment(directory), directory: directory)
            do {
                try await eventually("kubectl's watch to open") { await double.openWatches == 1 || !watching.process.isRunning }
                _ = try await client.create(.pods, namespace: "default", podManifest("watched"))
                try await eventually("the pod in kubectl's output") { watching.standardOutput.contains("watched") || !watching.process.isRunning }
                #expect(watching.standardOutput.contains("watched"), "stdout: \(watching.standardOutput) stderr: \(watching.standardError)")
            } catch {
                await watching.stop()
                throw error
            }
            await watching.stop()
            #expect(double.requestCount(verb: .watch, resource: "pods") >= 1)
        }
    }
}
