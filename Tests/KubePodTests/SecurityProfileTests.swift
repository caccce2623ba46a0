import Backends
import Kube
import Testing
@testable import KubePod

@Suite("Security profiles")
struct SecurityProfileTests {
    func pod(_ profile: SecurityProfile, services: Bool = true) throws -> JSONValue {
        var template = PodTemplate()
        template.security = profile
        return try Fixtures.render(Fixtures.request(services: services ? [("db", Fixtures.postgres)] : [], template: template)).pod
    }

    @Test("restricted (the default): non-root 1001, seccomp RuntimeDefault, no escalation, all capabilities dropped")
    func restricted() throws {
        let pod = try Fixtures.render(Fixtures.request(services: [("db", Fixtures.postgres)])).pod
        #expect(PodTemplate().security == .restricted)
        #expect(pod[path: "spec", "securityContext"] == [
            "runAsNonRoot": true, "runAsUser": 1001, "runAsGroup": 1001, "fsGroup": 1001, "seccompProfile": ["type": "RuntimeDefault"],
        ])
        #expect(pod[path: "spec", "hostUsers"] == nil)
        for name in ["job", "svc-db"] {
            #expect(pod.container(name)?["securityContext"] == ["allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]])
        }
        #expect(PodSecurityStandards.restrictedViolations(pod) == [])
    }

    @Test("baseline: the image's user, default capabilities, still no escalation and RuntimeDefault seccomp")
    func baseline() throws {
        let pod = try pod(.baseline)
        #expect(pod[path: "spec", "securityContext"] == ["fsGroup": 1001, "seccompProfile": ["type": "RuntimeDefault"]])
        #expect(pod[path: "spec", "hostUsers"] == nil)
        for name in ["job", "svc-db"] {
            #expect(pod.container(name)?["securityContext"] == ["allowPrivilegeEscalation": false])
        }
        #expect(PodSecurityStandards.baselineViolations(pod) == [])
        #expect(!PodSecurityStandards.restrictedViolations(pod).isEmpty)
    }

    @Test("user-namespace: hostUsers false, root inside, seccomp RuntimeDefault, no escalation")
    func userNamespace() throws {
        let pod = try pod(.userNamespace)
        #expect(pod[path: "spec", "hostUsers"] == false)
        #expect(pod[path: "spec", "securityContext"] == [
            "runAsUser": 0, "runAsGroup": 0, "fsGroup": 1001, "seccompProfile": ["type": "RuntimeDefault"],
        ])
        for name in ["job", "svc-db"] {
            #expect(pod.container(name)?["securityContext"] == ["allowPrivilegeEscalation": false])
        }
        #expect(PodSecurityStandards.baselineViolations(pod) == [])
    }

    @Test("the agent is always non-root 1001 with the restricted container settings", arguments: SecurityProfile.allCases)
    func agent(profile: SecurityProfile) throws {
        let agent = try #require(try pod(profile, services: false).container("hearth-agent"))
        #expect(agent["securityContext"] == [
            "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]], "runAsNonRoot": true, "runAsUser": 1001,
            "runAsGroup": 1001, "seccompProfile": ["type": "RuntimeDefault"],
        ])
    }

    @Test("--user: numeric ids on the container; root refused under restricted only")
    func user() throws {
        let job = ContainerRequest(image: "node:20", options: "--user 1000:1000")
        let pod = try Fixtures.render(Fixtures.request(job: job)).pod
        #expect(pod.container("job")?[path: "securityContext", "runAsUser"] == 1000)
        #expect(pod.container("job")?[path: "securityContext", "runAsGroup"] == 1000)
        #expect(PodSecurityStandards.restrictedViolations(pod) == [])

        let root = Fixtures.request(services: [("db", ContainerRequest(image: "postgres:16", options: "-u 0"))])
        let message = try #require(Fixtures.failure(root))
        #expect(message.contains("service 'db'") && message.contains("restricted"))

        var template = PodTemplate()
        template.security = .baseline
        let baseline = try Fixtures.render(Fixtures.request(services: [("db", ContainerRequest(image: "postgres:16", options: "-u 0"))], template: template))
        #expect(baseline.pod.container("svc-db")?[path: "securityContext", "runAsUser"] == 0)
    }

    @Test("the restricted-PSS checker itself catches each violation")
    func checkerCatches() throws {
        let good = try pod(.restricted)
        #expect(PodSecurityStandards.restrictedViolations(good).isEmpty)
        let patches: [JSONValue] = [
            ["spec": ["securityContext": ["runAsNonRoot": false]]],
            ["spec": ["securityContext": ["seccompProfile": ["type": "Unconfined"]]]],
            ["spec": ["hostNetwork": true]],
            ["spec": ["volumes": [["name": "h", "hostPath": ["path": "/"]]]]],
        ]
        for patch in patches {
            #expect(!PodSecurityStandards.restrictedViolations(good.merging(patch: patch)).isEmpty, "\(patch.jsonString())")
        }
        var containers = good[path: "spec", "containers"]?.arrayValue ?? []
        containers[0]["securityContext"] = ["allowPrivilegeEscalation": true]
        #expect(!PodSecurityStandards.restrictedViolations(good.merging(patch: ["spec": ["containers": .array(containers)]])).isEmpty)
    }
}
