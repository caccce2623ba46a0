import Backends
import Foundation
import Kube
import Testing
@testable import KubePod

@Suite("Pod layout")
struct PodLayoutTests {
    @Test("metadata: name, namespace, Hearth labels and annotations")
    func metadata() throws {
        let rendered = try Fixtures.render(Fixtures.request(environmentLabels: ["hearth.job": "build", "hearth.workflow": ".forgejo/workflows/ci.yml"]))
        let metadata = try #require(rendered.pod["metadata"])
        #expect(metadata["name"] == "hearth-4711-build-linux-20")
        #expect(metadata["namespace"] == "hearth")
        #expect(metadata["labels"] == [
            "app.kubernetes.io/name": "hearth-job", "app.kubernetes.io/managed-by": "hearth",
            "hearth.forgejo.org/runner": "runner-1", "hearth.forgejo.org/task": "4711",
        ])
        #expect(metadata[path: "annotations", "hearth.forgejo.org/job"] == "build (linux, 20)")
        #expect(metadata[path: "annotations", "hearth.forgejo.org/deadline"] == "2026-01-01T00:00:00Z")
        #expect(metadata[path: "annotations", "hearth.workflow"] == ".forgejo/workflows/ci.yml")
        #expect(rendered.pod["apiVersion"] == "v1")
        #expect(rendered.pod["kind"] == "Pod")
    }

    @Test("spec: never restarts, no service-account token, no service links, deadlines")
    func specBasics() throws {
        let spec = try #require(try Fixtures.render(Fixtures.request()).pod["spec"])
        #expect(spec["restartPolicy"] == "Never")
        #expect(spec["automountServiceAccountToken"] == false)
        #expect(spec["enableServiceLinks"] == false)
        #expect(spec["activeDeadlineSeconds"] == 11_400)
        #expect(spec["terminationGracePeriodSeconds"] == 60)
        #expect(spec["hostAliases"] == nil)
        #expect(spec["nodeSelector"] == nil)
        #expect(spec["imagePullSecrets"] == nil)
    }

    @Test("containers: job first, then the agent, then services")
    func containerOrder() throws {
        let pod = try Fixtures.render(Fixtures.request(services: [("db", Fixtures.postgres), ("cache", Fixtures.redis)])).pod
        #expect(pod.containerNames == ["job", "hearth-agent", "svc-db", "svc-cache"])
    }

    @Test("the job container runs the step shim in /__w with the shared volume")
    func jobContainer() throws {
        let job = try #require(try Fixtures.render(Fixtures.request()).pod.container("job"))
        #expect(job["image"] == "node:20-bookworm")
        #expect(job["command"] == ["/bin/sh", "-c", .string(StepShim.script)])
        #expect(job["args"] == nil)
        #expect(job["workingDir"] == "/__w")
        #expect(job["volumeMounts"] == [["name": "hearth-work", "mountPath": "/__w"]])
    }

    @Test("the agent container: hearth agent, controller URL, token file, work volume and read-only token")
    func agentContainer() throws {
        let agent = try #require(try Fixtures.render(Fixtures.request()).pod.container("hearth-agent"))
        #expect(agent["image"] == "registry.example.org/hearth:0.1.0")
        #expect(agent["command"] == ["hearth", "agent"])
        #expect(agent.env("HEARTH_CONTROLLER_URL")?["value"] == "http://hearth.hearth.svc:8090")
        #expect(agent.env("HEARTH_TOKEN_FILE")?["value"] == "/var/run/hearth/token")
        #expect(agent.env("HEARTH_TASK_ID")?["value"] == "4711")
        #expect(agent.env("HEARTH_POD_NAME")?[path: "valueFrom", "fieldRef", "fieldPath"] == "metadata.name")
        #expect(agent["volumeMounts"] == [
            ["name": "hearth-work", "mountPath": "/__w"],
            ["name": "hearth-token", "mountPath": "/var/run/hearth", "readOnly": true],
        ])
        #expect(agent["resources"] == PodLayout.defaultAgentResources)
    }

    @Test("volumes: the workspace emptyDir (with sizeLimit) and the token Secret, key token only")
    func volumes() throws {
        var template = PodTemplate()
        let plain = try Fixtures.render(Fixtures.request(template: template)).pod
        #expect(plain.volume("hearth-work") == ["name": "hearth-work", "emptyDir": [:]])
        template.workspaceSizeLimit = "10Gi"
        let pod = try Fixtures.render(Fixtures.request(template: template)).pod
        #expect(pod.volume("hearth-work") == ["name": "hearth-work", "emptyDir": ["sizeLimit": "10Gi"]])
        #expect(pod.volume("hearth-token") == [
            "name": "hearth-token",
            "secret": ["secretName": "hearth-4711-build-linux-20", "items": [["key": "token", "path": "token"]], "defaultMode": 288],
        ])
    }

    @Test("image: container: first, then the label's image, then the template's, else an error")
    func imageChoice() throws {
        var template = PodTemplate()
        template.image = "template:1"
        let fromContainer = try Fixtures.render(Fixtures.request(job: ContainerRequest(image: "mine:1"), labelImage: "label:1", template: template))
        #expect(fromContainer.pod.container("job")?["image"] == "mine:1")
        let fromLabel = try Fixtures.render(Fixtures.request(job: nil, labelImage: "label:1", template: template))
        #expect(fromLabel.pod.container("job")?["image"] == "label:1")
        let fromTemplate = try Fixtures.render(Fixtures.request(job: nil, template: template))
        #expect(fromTemplate.pod.container("job")?["image"] == "template:1")
        let message = try #require(Fixtures.failure(Fixtures.request(job: nil)))
        #expect(message.contains("the job has no image"))
    }

    @Test("the same request renders byte-identical JSON")
    func deterministic() throws {
        let request = Fixtures.request(
            job: ContainerRequest(image: "node:20", environment: ["B": "2", "A": "1", "C": "3"], volumes: ["cache:/cache"]),
            services: [("db", Fixtures.postgres), ("cache", Fixtures.redis), ("mq", ContainerRequest(image: "rabbitmq:3", environment: ["X": "y", "Z": "w"]))])
        let first = try Fixtures.render(request)
        for _ in 0..<5 {
            let again = try Fixtures.render(request)
            #expect(again.pod.jsonString() == first.pod.jsonString())
            #expect(again.secret(ownedBy: "u").jsonString() == first.secret(ownedBy: "u").jsonString())
            #expect(KubeYAML.render(again.objects(redacted: false)) == KubeYAML.render(first.objects(redacted: false)))
        }
        // Environment entries are sorted by name.
        #expect(first.pod.container("job")?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B", "C"])
    }

    @Test("request checks: pod name, runner id, deadline, controller URL")
    func requestChecks() {
        var request = Fixtures.request()
        request.podName = "Not_A_Name"
        #expect(Fixtures.failure(request)?.contains("DNS-1123") == true)
        request = Fixtures.request()
        request.runnerID = "has spaces"
        #expect(Fixtures.failure(request)?.contains("runner id") == true)
        request = Fixtures.request()
        request.activeDeadlineSeconds = 0
        #expect(Fixtures.failure(request)?.contains("activeDeadlineSeconds") == true)
        request = Fixtures.request()
        request.controllerURL = ""
        #expect(Fixtures.failure(request)?.contains("controller_url") == true)
    }
}
