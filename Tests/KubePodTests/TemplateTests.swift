import Backends
import Kube
import Testing
@testable import KubePod

@Suite("Pod templates")
struct TemplateTests {
    static let scheduling = PodTemplate(
        nodeSelector: ["kubernetes.io/arch": "arm64"], tolerations: [["key": "ci", "operator": "Exists", "effect": "NoSchedule"]],
        affinity: ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchExpressions": [["key": "pool", "operator": "In", "values": ["ci"]]]],
        ]]]],
        serviceAccountName: "ci-jobs", imagePullSecrets: ["regcred"], runtimeClassName: "gvisor", priorityClassName: "ci-low",
        labels: ["team": "platform"], annotations: ["example.org/cost-center": "42"])

    @Test("scheduling fields reach the pod spec")
    func scheduling() throws {
        let pod = try Fixtures.render(Fixtures.request(template: Self.scheduling)).pod
        let spec = try #require(pod["spec"])
        #expect(spec["nodeSelector"] == ["kubernetes.io/arch": "arm64"])
        #expect(spec["tolerations"] == [["key": "ci", "operator": "Exists", "effect": "NoSchedule"]])
        #expect(spec["affinity"] == Self.scheduling.affinity)
        #expect(spec["serviceAccountName"] == "ci-jobs")
        #expect(spec["automountServiceAccountToken"] == false)
        #expect(spec["imagePullSecrets"] == [["name": "regcred"]])
        #expect(spec["runtimeClassName"] == "gvisor")
        #expect(spec["priorityClassName"] == "ci-low")
        #expect(pod[path: "metadata", "labels", "team"] == "platform")
        #expect(pod[path: "metadata", "annotations", "example.org/cost-center"] == "42")
    }

    @Test("template labels never replace Hearth's own")
    func ownLabelsWin() throws {
        var template = PodTemplate()
        template.labels = ["hearth.forgejo.org/task": "1", "app.kubernetes.io/name": "other"]
        let labels = try Fixtures.render(Fixtures.request(template: template)).pod[path: "metadata", "labels"]
        #expect(labels?["hearth.forgejo.org/task"] == "4711")
        #expect(labels?["app.kubernetes.io/name"] == "hearth-job")
        template.labels = ["bad key!": "x"]
        #expect(Fixtures.failure(Fixtures.request(template: template))?.contains("not a valid Kubernetes label") == true)
    }

    @Test("the patch is applied last, as a JSON merge patch")
    func patch() throws {
        var template = PodTemplate()
        template.patch = [
            "metadata": ["annotations": ["example.org/x": "y"]],
            "spec": ["dnsPolicy": "None", "dnsConfig": ["nameservers": ["2001:db8::53"]], "enableServiceLinks": nil],
        ]
        let pod = try Fixtures.render(Fixtures.request(template: template)).pod
        #expect(pod[path: "spec", "dnsPolicy"] == "None")
        #expect(pod[path: "spec", "dnsConfig", "nameservers"] == ["2001:db8::53"])
        #expect(pod[path: "spec", "enableServiceLinks"] == nil)
        #expect(pod[path: "metadata", "annotations", "example.org/x"] == "y")
        #expect(pod[path: "metadata", "annotations", "hearth.forgejo.org/job"] != nil)
        #expect(pod[path: "spec", "restartPolicy"] == "Never")
    }

    @Test("overlay: the label's scalars win, maps and resources merge, pull secrets join, patches compose")
    func overlay() {
        let base = PodTemplate(
            image: "base:1", resources: ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": ["memory": "2Gi"]],
            nodeSelector: ["pool": "ci", "arch": "amd64"], tolerations: [["key": "a", "operator": "Exists"]], serviceAccountName: "base",
            imagePullSecrets: ["one"], labels: ["a": "1"], annotations: ["x": "1"],
            patch: ["spec": ["dnsPolicy": "None", "hostname": "h"]], security: .baseline, workspaceSizeLimit: "10Gi", concurrency: 4)
        let label = PodTemplate(
            resources: ["requests": ["cpu": "4"]], nodeSelector: ["arch": "arm64"], imagePullSecrets: ["two", "one"],
            labels: ["b": "2"], patch: ["spec": ["hostname": nil, "subdomain": "s"]], concurrency: 1)
        let merged = base.overlaid(by: label)
        #expect(merged.image == "base:1")
        #expect(merged.resources == ["requests": ["cpu": "4", "memory": "1Gi"], "limits": ["memory": "2Gi"]])
        #expect(merged.nodeSelector == ["pool": "ci", "arch": "arm64"])
        #expect(merged.tolerations == base.tolerations)
        #expect(merged.serviceAccountName == "base")
        #expect(merged.imagePullSecrets == ["one", "two"])
        #expect(merged.labels == ["a": "1", "b": "2"])
        #expect(merged.annotations == ["x": "1"])
        #expect(merged.security == .baseline)
        #expect(merged.workspaceSizeLimit == "10Gi")
        #expect(merged.concurrency == 1)
        let pod: JSONValue = ["spec": ["hostname": "old", "restartPolicy": "Never"]]
        #expect(pod.merging(patch: merged.patch!) == pod.merging(patch: base.patch!).merging(patch: label.patch!))
        #expect(pod.merging(patch: merged.patch!) == ["spec": ["dnsPolicy": "None", "subdomain": "s", "restartPolicy": "Never"]])
        // A label that sets the profile wins; one that does not keeps the default's.
        #expect(base.overlaid(by: PodTemplate(security: .restricted)).security == .restricted)
        #expect(PodTemplate().overlaid(by: PodTemplate()).security == .restricted)
    }

    @Test("settings pick the label's template over the default")
    func templateForLabel() {
        let settings = KubernetesSettings(
            defaultTemplate: PodTemplate(image: "default:1", security: .baseline), labels: ["big": PodTemplate(resources: ["requests": ["cpu": "8"]])])
        #expect(settings.template(forLabel: "big").image == "default:1")
        #expect(settings.template(forLabel: "big").resources == ["requests": ["cpu": "8"]])
        #expect(settings.template(forLabel: "big").security == .baseline)
        #expect(settings.template(forLabel: "other") == settings.defaultTemplate)
    }
}
