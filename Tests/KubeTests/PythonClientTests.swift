import Foundation
import Kube
import KubeTestDouble
import Testing

/// Whether `python3 -c 'import kubernetes'` works (the python3 found on PATH first).
let pythonKubernetesAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import kubernetes"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The official Python client (`pip install kubernetes`) against the double.
@Suite("Python client", .enabled(if: pythonKubernetesAvailable))
struct PythonClientTests {
    static let script = """
        import sys
        from kubernetes import client, watch
        configuration = client.Configuration()
        configuration.host = sys.argv[1]
        api = client.CoreV1Api(client.ApiClient(configuration))
        print("list", ",".join(sorted(p.metadata.name for p in api.list_namespaced_pod("default").items)))
        pod = client.V1Pod(metadata=client.V1ObjectMeta(name="py-pod", labels={"app": "py"}),
                           spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="busybox")]))
        created = api.create_namespaced_pod("default", pod)
        print("created", created.metadata.name, created.metadata.uid)
        w = watch.Watch()
        for event in w.stream(api.list_namespaced_pod, "default", label_selector="app=py", timeout_seconds=20):
            print("event", event["type"], event["object"].metadata.name)
            w.stop()
        api.delete_namespaced_pod("py-pod", "default")
        try:
            api.read_namespaced_pod("py-pod", "default")
            print("still there")
        except client.exceptions.ApiException as error:
            print("status", error.status)
        """

    @Test func listCreateWatchDelete() async throws {
        let directory = try TemporaryDirectory()
        let scriptPath = try directory.write("client.py", Self.script)
        try await withDouble { double, client in
            _ = try await client.create(.pods, namespace: "default", podManifest("existing"))
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = directory.path
            environment.removeValue(forKey: "KUBECONFIG")
            let output = try await RunningProcess.run("/usr/bin/env", ["python3", scriptPath, double.url], environment: environment,
                                                      directory: directory, timeout: .seconds(90))
            #expect(output.status == 0, "\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.first == "list existing")
            #expect(lines.contains { $0.hasPrefix("created py-pod ") })
            #expect(lines.contains("event ADDED py-pod"))
            #expect(lines.last == "status 404")
            #expect(await double.object(.pods, namespace: "default", name: "py-pod") == nil)
            #expect(double.requestCount(verb: .watch, resource: "pods") == 1)
        }
    }
}
