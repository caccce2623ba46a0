import Backends
import Kube
import Testing
@testable import KubePod

@Suite("Container options")
struct OptionsTests {
    func service(_ options: String, template: PodTemplate = PodTemplate()) throws -> JSONValue {
        let request = Fixtures.request(services: [("svc", ContainerRequest(image: "a", options: options))], template: template)
        return try #require(try Fixtures.render(request).pod.container("svc-svc"))
    }

    @Test("--cpus and --memory/-m become limits")
    func limits() throws {
        #expect(try service("--cpus 1.5 --memory 512m")["resources"] == ["limits": ["cpu": "1500m", "memory": "512Mi"]])
        #expect(try service("--cpus=2 -m 1g")["resources"] == ["limits": ["cpu": "2", "memory": "1Gi"]])
        #expect(try service("-m1000")["resources"] == ["limits": ["memory": "1000"]])
    }

    @Test("a request above a --memory limit is lowered to it; template limits stay otherwise")
    func clampsRequests() throws {
        var template = PodTemplate()
        template.serviceResources = ["requests": ["cpu": "2", "memory": "1Gi"], "limits": ["memory": "4Gi"]]
        #expect(try service("--memory 512m --cpus 0.5", template: template)["resources"] == [
            "requests": ["cpu": "500m", "memory": "512Mi"], "limits": ["memory": "512Mi", "cpu": "500m"],
        ])
        #expect(try service("--cpus 4", template: template)["resources"] == [
            "requests": ["cpu": "2", "memory": "1Gi"], "limits": ["memory": "4Gi", "cpu": "4"],
        ])
    }

    @Test("--workdir/-w, -e/--env")
    func workdirAndEnv() throws {
        let svc = try service("-w /srv -e A=1 --env=B=two --env C= -eD=4")
        #expect(svc["workingDir"] == "/srv")
        #expect(svc["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B", "C", "D"])
        let job = ContainerRequest(image: "node", options: "--workdir /src")
        #expect(try Fixtures.render(Fixtures.request(job: job)).pod.container("job")?["workingDir"] == "/src")
    }

    @Test("options on the job container map like a service's, except --entrypoint")
    func jobOptions() throws {
        let job = ContainerRequest(image: "node", options: "--cpus 2 -e CI=1")
        let container = try #require(try Fixtures.render(Fixtures.request(job: job)).pod.container("job"))
        #expect(container["resources"] == ["limits": ["cpu": "2"]])
        #expect(container.env("CI") != nil)
        let entrypoint = Fixtures.request(job: ContainerRequest(image: "node", options: "--entrypoint /bin/bash"))
        #expect(Fixtures.failure(entrypoint)?.contains("step shim") == true)
    }

    @Test("every other option is refused, naming it and why", arguments: [
        ("--privileged", "never runs privileged"), ("--cap-add NET_ADMIN", "capabilities"), ("--network host", "network"),
        ("-v /var/run/docker.sock:/var/run/docker.sock", "volumes"), ("--device /dev/fuse", "devices"), ("--shm-size 2g", "/dev/shm"),
        ("--add-host x:1.2.3.4", "hostAliases"), ("--security-opt seccomp=unconfined", "security profile"), ("--tmpfs /run", "volumes"),
        ("--ulimit nofile=1024", "ulimits"), ("--frobnicate", "cannot be used on Kubernetes"), ("-p 80:80", "ports"),
    ])
    func refused(option: String, reason: String) throws {
        let message = try #require(Fixtures.failure(Fixtures.request(services: [("svc", ContainerRequest(image: "a", options: option))])))
        let name = String(option.split(separator: " ")[0])
        #expect(message.contains("service 'svc'"))
        #expect(message.contains("'\(name)'"))
        #expect(message.contains("cannot be used on Kubernetes"))
        #expect(message.contains(reason), "\(message)")
    }

    @Test("invalid values are refused")
    func invalidValues() {
        for options in [
            "--user postgres", "--user 1000:staff", "--cpus -1", "--memory lots", "--health-interval soon", "--health-retries x",
            "--workdir relative", "-e NOVALUE", "--cpus", "'unterminated", "--no-healthcheck=maybe",
        ] {
            let message = Fixtures.failure(Fixtures.request(services: [("svc", ContainerRequest(image: "a", options: options))]))
            #expect(message?.contains("service 'svc'") == true, "\(options): \(message ?? "accepted")")
        }
    }

    @Test("quoting in options follows the shell")
    func quoting() throws {
        let options = try ContainerOptions.parse(#"--health-cmd "redis-cli ping | grep -q \"PONG\"" -e 'A=x y'"#, owner: "s")
        #expect(options.healthCommand == #"redis-cli ping | grep -q "PONG""#)
        #expect(options.environment.first?.value == "x y")
    }
}
