import Backends
import Testing
@testable import KubePod

@Suite("Names")
struct NamingTests {
    @Test("pod names are hearth-<task>-<slug>")
    func podNames() {
        #expect(PodRenderer.podName(taskID: 12, jobName: "Build & Test (ubuntu, 20.x)") == "hearth-12-build-test-ubuntu-20-x")
        #expect(PodRenderer.podName(taskID: 7, jobName: "") == "hearth-7")
        #expect(PodRenderer.podName(taskID: 7, jobName: "日本語") == "hearth-7")
        #expect(PodRenderer.podName(taskID: 7, jobName: "--lint--") == "hearth-7-lint")
    }

    @Test("pod names are DNS-1123 labels of at most 63 characters, whatever the job name")
    func podNameLimits() {
        let names = [
            String(repeating: "a", count: 200), String(repeating: "a-", count: 100), "x" + String(repeating: "-", count: 70) + "y",
            "Matrix (" + String(repeating: "very long value, ", count: 10) + ")", "UPPER_case.dots/and/slashes",
        ]
        for name in names {
            for task in [Int64(1), 9_223_372_036_854_775_807] {
                let pod = PodRenderer.podName(taskID: task, jobName: name)
                #expect(pod.count <= 63, "\(pod)")
                #expect(KubeNames.isDNSLabel(pod), "\(pod)")
                #expect(pod.hasPrefix("hearth-\(task)"))
            }
        }
    }

    @Test("service container names: svc-<sanitised>, unique, DNS-1123")
    func serviceNames() throws {
        let services: [(name: String, container: ContainerRequest)] = [
            ("My_DB", .init(image: "a")), ("my-db", .init(image: "b")), ("my.db", .init(image: "c")),
            (String(repeating: "long", count: 30), .init(image: "d")), ("___", .init(image: "e")),
        ]
        let pod = try Fixtures.render(Fixtures.request(services: services)).pod
        let names = Array(pod.containerNames.dropFirst(2))
        #expect(names == ["svc-my-db", "svc-my-db-2", "svc-my-db-3", "svc-" + String(String(repeating: "long", count: 30).prefix(59)), "svc-service"])
        #expect(Set(names).count == names.count)
        for name in names { #expect(KubeNames.isDNSLabel(name), "\(name)") }
    }

    @Test("DNS and label rules")
    func rules() {
        #expect(KubeNames.isDNSLabel("a-1"))
        #expect(!KubeNames.isDNSLabel("-a"))
        #expect(!KubeNames.isDNSLabel("A"))
        #expect(!KubeNames.isDNSLabel(String(repeating: "a", count: 64)))
        #expect(KubeNames.isDNSSubdomain("db.internal"))
        #expect(!KubeNames.isDNSSubdomain("my_db"))
        #expect(KubeNames.isQualifiedName("example.com/team"))
        #expect(!KubeNames.isQualifiedName("example.com/"))
        #expect(KubeNames.isLabelValue("Runner_1.a"))
        #expect(!KubeNames.isLabelValue("a/b"))
        #expect(KubeNames.isEnvName("NODE_OPTIONS"))
        #expect(!KubeNames.isEnvName("1ABC"))
        #expect(!KubeNames.isEnvName("A B"))
    }
}
