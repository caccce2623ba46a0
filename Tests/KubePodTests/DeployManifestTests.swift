import Foundation
import Kube
import Testing
@testable import KubePod

/// The files under deploy/.
enum DeployFiles {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy")
    }

    static func objects(_ name: String) throws -> [JSONValue] {
        try KubeYAML.decode(String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
    }

    static func manifestNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
    }
}

@Suite("deploy/ manifests")
struct DeployManifestTests {
    @Test("the Role grants exactly the verbs Hearth needs, and no exec, attach or logs")
    func rbac() throws {
        let role = try #require(try DeployFiles.objects("role.yaml").first)
        var grants: [String: [String]] = [:]
        for rule in role["rules"]?.arrayValue ?? [] {
            for group in rule["apiGroups"]?.strings ?? [] {
                for resource in rule["resources"]?.strings ?? [] { grants["\(group)/\(resource)"] = rule["verbs"]?.strings }
            }
        }
        #expect(grants == [
            "/pods": ["create", "delete", "list", "watch"], "/secrets": ["create"],
            "coordination.k8s.io/leases": ["get", "create", "update"],
        ])
        let binding = try #require(try DeployFiles.objects("rolebinding.yaml").first)
        #expect(binding[path: "roleRef", "name"] == "hearth")
        #expect(binding["subjects"]?.arrayValue?.first?["name"] == "hearth")
    }

    @Test("the Deployment: daemon command, probes on 9464, agent port 8090, Recreate, restricted")
    func deployment() throws {
        let deployment = try #require(try DeployFiles.objects("deployment.yaml").first)
        #expect(deployment[path: "spec", "strategy", "type"] == "Recreate")
        #expect(deployment[path: "spec", "replicas"] == 2)
        let pod = try #require(deployment[path: "spec", "template"])
        let container = try #require(pod[path: "spec", "containers"]?.arrayValue?.first)
        #expect(container["args"]?.strings.prefix(3) == ["daemon", "--config", "/etc/hearth/config.yml"])
        #expect(container[path: "livenessProbe", "httpGet", "path"] == "/healthz")
        #expect(container[path: "readinessProbe", "httpGet", "path"] == "/readyz")
        let ports = container["ports"]?.arrayValue?.compactMap { $0["containerPort"]?.intValue }
        #expect(ports == [8090, 8088, 9464])
        #expect((pod[path: "spec", "terminationGracePeriodSeconds"]?.intValue ?? 0) >= 60)
        let asPod: JSONValue = ["spec": pod["spec"] ?? [:]]
        #expect(PodSecurityStandards.restrictedViolations(asPod) == [])
    }

    @Test("the Service is dual-stack where possible, with the agent, cache and metrics ports")
    func service() throws {
        let service = try #require(try DeployFiles.objects("service.yaml").first)
        #expect(service[path: "spec", "ipFamilyPolicy"] == "PreferDualStack")
        #expect(service[path: "spec", "ports"]?.arrayValue?.compactMap { $0["port"]?.intValue } == [8090, 8088, 9464])
    }

    @Test("the example config's kubernetes: section parses and renders a valid pod per label")
    func exampleConfig() throws {
        let configMap = try #require(try DeployFiles.objects("configmap.yaml").first)
        let text = try #require(configMap[path: "data", "config.yml"]?.stringValue)
        let config = try #require(try KubeYAML.decode(text).first)
        let settings = try KubernetesSettings.parse(config["kubernetes"] ?? .null, file: "configmap.yaml")
        #expect(settings.controllerURL == "http://hearth.hearth.svc:8090")
        #expect(settings.labels.keys.sorted() == ["big", "root"])
        for label in ["ubuntu-latest", "big", "root"] {
            var request = Fixtures.request(template: settings.template(forLabel: label))
            request.controllerURL = settings.controllerURL ?? ""
            _ = try PodRenderer.render(request, agentToken: "t")
        }
        #expect(settings.template(forLabel: "root").security == .userNamespace)
    }

    @Test("kustomization.yaml lists every manifest")
    func kustomization() throws {
        let kustomization = try #require(try DeployFiles.objects("kustomization.yaml").first)
        let listed = Set(kustomization["resources"]?.strings ?? [])
        #expect(listed == Set(try DeployFiles.manifestNames().filter { $0 != "kustomization.yaml" }))
    }
}
