import Backends
import Kube
import Testing
@testable import KubePod

@Suite("Services")
struct ServiceTests {
    @Test("every service name resolves to both 127.0.0.1 and ::1")
    func hostAliases() throws {
        let pod = try Fixtures.render(Fixtures.request(services: [("db", Fixtures.postgres), ("Cache", Fixtures.redis)])).pod
        #expect(pod[path: "spec", "hostAliases"] == [
            ["ip": "127.0.0.1", "hostnames": ["db", "cache"]],
            ["ip": "::1", "hostnames": ["db", "cache"]],
        ])
    }

    @Test("--network-alias and --alias add host names to both families")
    func networkAliases() throws {
        let db = ContainerRequest(image: "postgres:16", options: "--network-alias postgres --alias=pg.local")
        let pod = try Fixtures.render(Fixtures.request(services: [("db", db)])).pod
        for entry in pod[path: "spec", "hostAliases"]?.arrayValue ?? [] {
            #expect(entry["hostnames"] == ["postgres", "pg.local", "db"])
        }
        #expect(pod[path: "spec", "hostAliases"]?.arrayValue?.compactMap { $0["ip"]?.stringValue } == ["127.0.0.1", "::1"])
        let bad = Fixtures.request(services: [("db", ContainerRequest(image: "a", options: "--network-alias bad_name"))])
        #expect(Fixtures.failure(bad)?.contains("not a valid host name") == true)
    }

    @Test("a service name that cannot be a host name gives a warning, not a failure")
    func invalidServiceHostName() throws {
        let rendered = try Fixtures.render(Fixtures.request(services: [("my_db", Fixtures.redis)]))
        #expect(rendered.pod[path: "spec", "hostAliases"] == nil)
        #expect(rendered.warnings.count == 1)
        #expect(rendered.warnings.first?.contains("'my_db'") == true)
        #expect(rendered.pod.containerNames.contains("svc-my-db"))
    }

    @Test("ports: the container side, protocols, host ports dropped")
    func ports() throws {
        let service = ContainerRequest(image: "dns", ports: ["8080:80", "53/udp", "127.0.0.1:5353:53/tcp", "[::1]:9000:9090", "80"])
        let pod = try Fixtures.render(Fixtures.request(services: [("web", service)])).pod
        #expect(pod.container("svc-web")?["ports"] == [
            ["containerPort": 80, "protocol": "TCP"], ["containerPort": 53, "protocol": "UDP"], ["containerPort": 53, "protocol": "TCP"],
            ["containerPort": 9090, "protocol": "TCP"],
        ])
        for bad in ["8000-8010", "http", "0", "70000", "80/icmp"] {
            let request = Fixtures.request(services: [("web", ContainerRequest(image: "a", ports: [bad]))])
            #expect(Fixtures.failure(request)?.contains("service 'web'") == true, "\(bad)")
        }
    }

    @Test("two services on the same port: an error naming both")
    func portCollision() throws {
        let request = Fixtures.request(services: [
            ("cache", ContainerRequest(image: "redis", ports: ["6379"])), ("queue", ContainerRequest(image: "redis", ports: ["7000:6379"])),
        ])
        let message = try #require(Fixtures.failure(request))
        #expect(message.contains("service 'cache'") && message.contains("service 'queue'") && message.contains("6379/TCP"))
        let withJob = Fixtures.request(
            job: ContainerRequest(image: "a", ports: ["8080"]), services: [("web", ContainerRequest(image: "b", ports: ["8080"]))])
        #expect(Fixtures.failure(withJob)?.contains("the job container") == true)
        // Same number, other protocol: fine.
        let mixed = Fixtures.request(services: [
            ("a", ContainerRequest(image: "a", ports: ["53/udp"])), ("b", ContainerRequest(image: "b", ports: ["53/tcp"])),
        ])
        #expect(Fixtures.failure(mixed) == nil)
    }

    @Test("entrypoint and command: command and args")
    func entrypointAndCommand() throws {
        let service = ContainerRequest(image: "minio", entrypoint: "/usr/bin/minio", command: "server /data --address ':9000'")
        let svc = try #require(try Fixtures.render(Fixtures.request(services: [("s3", service)])).pod.container("svc-s3"))
        #expect(svc["command"] == ["/usr/bin/minio"])
        #expect(svc["args"] == ["server", "/data", "--address", ":9000"])
        let viaOption = ContainerRequest(image: "minio", options: "--entrypoint /bin/sh")
        #expect(try Fixtures.render(Fixtures.request(services: [("s3", viaOption)])).pod.container("svc-s3")?["command"] == ["/bin/sh"])
        let plain = try #require(try Fixtures.render(Fixtures.request(services: [("db", Fixtures.redis)])).pod.container("svc-db"))
        #expect(plain["command"] == nil && plain["args"] == nil)
        let broken = Fixtures.request(services: [("s3", ContainerRequest(image: "minio", command: "server 'unterminated"))])
        #expect(Fixtures.failure(broken)?.contains("cannot be read") == true)
    }

    @Test("--health-* becomes an exec readiness probe")
    func healthProbe() throws {
        let svc = try #require(try Fixtures.render(Fixtures.request(services: [("db", Fixtures.postgres)])).pod.container("svc-db"))
        #expect(svc["readinessProbe"] == [
            "exec": ["command": ["sh", "-c", "pg_isready"]], "periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 10,
            "successThreshold": 1,
        ])
        let defaults = ContainerRequest(image: "a", options: "--health-cmd 'curl -f http://localhost/' --health-interval 1500ms --health-start-period 30s")
        let probe = try #require(try Fixtures.render(Fixtures.request(services: [("web", defaults)])).pod.container("svc-web")?["readinessProbe"])
        #expect(probe["exec"] == ["command": ["sh", "-c", "curl -f http://localhost/"]])
        #expect(probe["periodSeconds"] == 2)
        #expect(probe["timeoutSeconds"] == 30)
        #expect(probe["failureThreshold"] == 3)
        for disabled in ["--health-cmd none", "--health-cmd 'exit 0' --no-healthcheck"] {
            let request = Fixtures.request(services: [("web", ContainerRequest(image: "a", options: disabled))])
            #expect(try Fixtures.render(request).pod.container("svc-web")?["readinessProbe"] == nil, "\(disabled)")
        }
        #expect(try Fixtures.render(Fixtures.request(services: [("r", Fixtures.redis)])).pod.container("svc-r")?["readinessProbe"] == nil)
    }

    @Test("services get the template's service resources; the job its own")
    func resources() throws {
        var template = PodTemplate()
        template.resources = ["requests": ["cpu": "1"]]
        template.serviceResources = ["requests": ["cpu": "100m", "memory": "256Mi"]]
        template.agentResources = ["requests": ["cpu": "5m"]]
        let pod = try Fixtures.render(Fixtures.request(services: [("db", Fixtures.redis)], template: template)).pod
        #expect(pod.container("job")?["resources"] == ["requests": ["cpu": "1"]])
        #expect(pod.container("svc-db")?["resources"] == ["requests": ["cpu": "100m", "memory": "256Mi"]])
        #expect(pod.container("hearth-agent")?["resources"] == ["requests": ["cpu": "5m"]])
    }
}
