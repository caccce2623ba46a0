import Foundation
import Kube
import Testing
@testable import KubePod

@Suite("kubernetes: settings")
struct SettingsTests {
    func parse(_ yaml: String) throws -> KubernetesSettings {
        let section = try #require(try KubeYAML.decode(yaml).first)
        return try KubernetesSettings.parse(section, file: "config.yml")
    }

    func failure(_ yaml: String) throws -> String {
        let section = try #require(try KubeYAML.decode(yaml).first)
        do {
            _ = try KubernetesSettings.parse(section, file: "config.yml")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("defaults")
    func defaults() throws {
        let settings = try KubernetesSettings.parse(.null, file: "config.yml")
        #expect(settings.listen == "[::]:8090")
        #expect(settings.startTimeout == .seconds(600))
        #expect(settings.namespace == nil && settings.controllerURL == nil && settings.agentImage == nil)
        #expect(settings.defaultTemplate == PodTemplate())
        #expect(settings.labels.isEmpty)
        #expect(try KubernetesSettings.parse([:], file: "f") == settings)
    }

    @Test("every key")
    func everyKey() throws {
        let settings = try parse("""
            namespace: ci
            kubeconfig: /etc/kube/config
            context: prod
            controller_url: http://hearth.hearth.svc:8090
            listen: "[::]:9000"
            agent_image: registry.example.org/hearth:1
            start_timeout: 1m30s
            default:
              image: debian:bookworm
              resources: {requests: {cpu: 0.5, memory: 1Gi}, limits: {memory: 2Gi}}
              service_resources: {requests: {cpu: 100m}}
              agent_resources: {limits: {memory: 64Mi}}
              node_selector: {kubernetes.io/arch: amd64}
              tolerations: [{key: ci, operator: Exists}]
              affinity: {nodeAffinity: {}}
              service_account_name: jobs
              image_pull_secrets: [regcred, {name: other}]
              runtime_class_name: gvisor
              priority_class_name: ci
              labels: {team: platform, tier: 1}
              annotations: {example.org/a: b}
              patch: {spec: {dnsPolicy: Default}}
              security: baseline
              workspace_size_limit: 20Gi
              concurrency: 3
            labels:
              big:
                resources: {requests: {cpu: 4}}
                security: user-namespace
              plain:
            """)
        #expect(settings.namespace == "ci")
        #expect(settings.kubeconfig == "/etc/kube/config")
        #expect(settings.context == "prod")
        #expect(settings.controllerURL == "http://hearth.hearth.svc:8090")
        #expect(settings.listen == "[::]:9000")
        #expect(settings.agentImage == "registry.example.org/hearth:1")
        #expect(settings.startTimeout == .seconds(90))
        let template = settings.defaultTemplate
        #expect(template.image == "debian:bookworm")
        #expect(template.resources == ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": ["memory": "2Gi"]])
        #expect(template.serviceResources == ["requests": ["cpu": "100m"]])
        #expect(template.agentResources == ["limits": ["memory": "64Mi"]])
        #expect(template.nodeSelector == ["kubernetes.io/arch": "amd64"])
        #expect(template.tolerations == [["key": "ci", "operator": "Exists"]])
        #expect(template.affinity == ["nodeAffinity": [:]])
        #expect(template.serviceAccountName == "jobs")
        #expect(template.imagePullSecrets == ["regcred", "other"])
        #expect(template.runtimeClassName == "gvisor")
        #expect(template.priorityClassName == "ci")
        #expect(template.labels == ["team": "platform", "tier": "1"])
        #expect(template.annotations == ["example.org/a": "b"])
        #expect(template.patch == ["spec": ["dnsPolicy": "Default"]])
        #expect(template.security == .baseline)
        #expect(template.workspaceSizeLimit == "20Gi")
        #expect(template.concurrency == 3)
        #expect(settings.labels["big"]?.resources == ["requests": ["cpu": "4"]])
        #expect(settings.template(forLabel: "big").security == .userNamespace)
        #expect(settings.template(forLabel: "big").image == "debian:bookworm")
        #expect(settings.labels["plain"] == PodTemplate())
    }

    @Test("errors name the key path", arguments: [
        ("labels: {big: {resources: 4}}", "config.yml: kubernetes.labels.big.resources: expected a mapping"),
        ("labels: {big: {resources: {requests: {cpu: lots}}}}", "kubernetes.labels.big.resources.requests.cpu: expected a Kubernetes quantity"),
        ("labels: {big: {resources: {request: {cpu: 1}}}}", "kubernetes.labels.big.resources.request: unknown key (did you mean requests?)"),
        ("default: {node_selectr: {a: b}}", "kubernetes.default.node_selectr: unknown key (did you mean node_selector?)"),
        ("default: {nodeSelector: {a: b}}", "kubernetes.default.nodeSelector: unknown key (did you mean node_selector?)"),
        ("controler_url: http://x", "kubernetes.controler_url: unknown key (did you mean controller_url?)"),
        ("start_timeout: 10", "kubernetes.start_timeout: expected a duration such as 10m, 90s or 1h"),
        ("start_timeout: soon", "kubernetes.start_timeout: 'soon' is not a duration"),
        ("default: {security: restrictd}", "kubernetes.default.security: 'restrictd' is not a security profile; use one of restricted, baseline, user-namespace (did you mean restricted?)"),
        ("default: {tolerations: {key: a}}", "kubernetes.default.tolerations: expected a list of tolerations"),
        ("default: {tolerations: [a]}", "kubernetes.default.tolerations[0]: expected a mapping"),
        ("default: {image_pull_secrets: [Bad_Name]}", "kubernetes.default.image_pull_secrets[0]: 'Bad_Name' is not a Secret name"),
        ("default: {labels: {team: 'a b'}}", "kubernetes.default.labels.team: 'a b' is not a valid label value"),
        ("default: {labels: {hearth.forgejo.org/task: '1'}}", "kubernetes.default.labels.hearth.forgejo.org/task: this label is set by Hearth"),
        ("default: {patch: [1]}", "kubernetes.default.patch: expected a mapping (a JSON merge patch of the Pod)"),
        ("default: {concurrency: 0}", "kubernetes.default.concurrency: expected a positive whole number"),
        ("default: {workspace_size_limit: big}", "kubernetes.default.workspace_size_limit: expected a size such as 10Gi"),
        ("controller_url: hearth:8090", "kubernetes.controller_url: 'hearth:8090' is not an http(s) URL"),
        ("controller_url: 'http://fd00::1:8090'", "kubernetes.controller_url: "),
        ("listen: ':::8090'", "kubernetes.listen: "),
        ("namespace: Hearth", "kubernetes.namespace: 'Hearth' is not a namespace name"),
        ("labels: [a]", "kubernetes.labels: expected a mapping"),
        ("default: {service_account_name: 'x y'}", "kubernetes.default.service_account_name: 'x y' is not a service account name"),
    ])
    func errors(yaml: String, expected: String) throws {
        let message = try failure(yaml)
        #expect(message.contains(expected), "\(message)")
    }

    @Test("bracketed IPv6 URLs and listen addresses are fine")
    func ipv6() throws {
        let settings = try parse("controller_url: 'http://[fd00::1]:8090'\nlisten: '[fd00::2]:8090'")
        #expect(settings.controllerURL == "http://[fd00::1]:8090")
        #expect(settings.listen == "[fd00::2]:8090")
        #expect(try parse("listen: '0.0.0.0:8090'").listen == "0.0.0.0:8090")
    }
}
