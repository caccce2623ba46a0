import Backends
import Foundation
import Testing

@Suite("Podman environment: services, health checks and networks", .disabled(if: PodmanTestSupport.skipRequested, PodmanTestSupport.skipReason))
struct PodmanServicesTests {
    typealias Support = PodmanTestSupport

    /// A busybox web server answering its own name, healthy once it serves.
    static func webServer(_ name: String, port: Int) -> (name: String, container: ContainerRequest) {
        let serve = "mkdir -p /srv && echo \(name) > /srv/index.html && exec httpd -f -p \(port) -h /srv"
        return (
            name,
            ContainerRequest(
                image: Support.busybox, ports: ["\(port):\(port)"],
                options: "--health-cmd 'wget -q -O /dev/null http://127.0.0.1:\(port)/' --health-interval 100ms --health-retries 600",
                command: "sh -c '\(serve)'")
        )
    }

    @Test("two services on an IPv6-only network answer by name and on [::1]; the network goes at teardown")
    func servicesOnIPv6OnlyNetwork() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("services", services: [Self.webServer("svc1", port: 8081), Self.webServer("svc2", port: 8082)])
            var options = PodmanEnvironmentOptions()
            options.network = .ipv6Only
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            #expect(environment.notices.count == 2)
            #expect(environment.notices.first?.contains("not published") == true)
            let result = try await Support.run(
                environment,
                """
                wget -q -O- http://svc1:8081/
                wget -q -O- http://svc2:8082/
                wget -q -O- 'http://[::1]:8081/'
                wget -q -O- http://localhost:8082/
                ip -4 addr show eth0 | grep -c inet
                ip -6 addr show eth0 scope global | grep -o 'inet6 fd00:[0-9a-f:]*' | cut -c1-10
                grep '[[:space:]]svc1$' /etc/hosts | tr '\t' ' ' | tr -s ' '
                """)
            #expect(result.lines == ["svc1", "svc2", "svc1", "svc2", "0", "inet6 fd00", "127.0.0.1 svc1", "::1 svc1"])
            let networks = try await client.listNetworks(labels: marker)
            #expect(networks.count == 1)
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("an existing network given by name is joined and kept")
    func namedNetwork() async throws {
        try await Support.withPodman { client async throws in
            let network = "hearth-test-net-\(UUID().uuidString.prefix(8).lowercased())"
            try await client.createNetwork(PodmanAPI.NetworkSpec(name: network, subnets: ["fd00:dead:beef:\(Int.random(in: 1...0xfff))::/64"], labels: [:]))
            do {
                let (request, marker) = Support.request("named-network")
                var options = PodmanEnvironmentOptions()
                options.network = .named(network)
                let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
                let result = try await Support.run(environment, "ip -6 addr show eth0 scope global | grep -c 'inet6 fd00:dead:beef:'")
                #expect(result.lines == ["1"])
                await environment.teardown()
                #expect(try await Support.objects(client: client, labels: marker) == [])
                #expect(try await client.listNetworks(labels: [:]).contains { $0.name == network })
            } catch {
                try? await client.removeNetwork(network)
                throw error
            }
            try await client.removeNetwork(network)
        }
    }

    @Test("a service whose health check passes on the second try is waited for")
    func healthBecomesTrue() async throws {
        try await Support.withPodman { client async throws in
            let service = ContainerRequest(
                image: Support.busybox,
                options: "--health-cmd 'test -f /tmp/seen || { touch /tmp/seen; exit 1; }' --health-interval=100ms --health-retries=5",
                command: "sleep 300")
            let (request, marker) = Support.request("health", services: [("db", service)])
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let inspect = try await client.inspectContainer("\(environment.podName)-db")
            #expect(inspect.state.health?.status == "healthy")
            #expect(inspect.state.health?.log?.map(\.exitCode) == [1, 0])
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("a service that never becomes healthy fails the job, naming the service, and nothing is left")
    func neverHealthy() async throws {
        try await Support.withPodman { client async throws in
            let service = ContainerRequest(
                image: Support.busybox, options: "--health-cmd 'echo not yet; exit 1' --health-interval 100ms --health-retries 2", command: "sleep 300")
            let (request, marker) = Support.request("unhealthy", services: [("db", service)])
            let failure = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: request) }
            #expect(failure?.message.contains("Service 'db' is unhealthy") == true)
            #expect(failure?.message.contains("not yet") == true)
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("a service that exits before it is healthy fails the job with its last output")
    func serviceExits() async throws {
        try await Support.withPodman { client async throws in
            let service = ContainerRequest(
                image: Support.busybox, options: "--health-cmd false --health-interval 100ms --health-retries 1000",
                command: "sh -c 'echo cannot start; exit 3'")
            let (request, marker) = Support.request("exits", services: [("cache", service)])
            let failure = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: request) }
            #expect(failure?.message.contains("Service 'cache' exited with code 3") == true)
            #expect(failure?.message.contains("cannot start") == true)
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("cancelling the job while it waits for a service removes what was created")
    func cancelWhileWaiting() async throws {
        try await Support.withPodman { client async throws in
            let service = ContainerRequest(image: Support.busybox, options: "--health-cmd false --health-interval 100ms --health-retries 100000", command: "sleep 300")
            let (request, marker) = Support.request("cancelled", services: [("db", service)])
            let creation = Task { try await PodmanEnvironment.create(client: client, request: request) }
            // Wait (boundedly) until the pod's containers exist, so the cancellation hits the health wait.
            var attempts = 0
            while try await client.listContainers(labels: marker.merging(["hearth.role": "job"]) { a, _ in a }).isEmpty && attempts < 2000 {
                attempts += 1
                await Task.yield()
            }
            #expect(attempts < 2000)
            creation.cancel()
            await #expect(throws: (any Error).self) { try await creation.value }
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("health waiting is bounded by the timeout")
    func healthTimeout() async throws {
        try await Support.withPodman { client async throws in
            let service = ContainerRequest(image: Support.busybox, options: "--health-cmd false --health-interval 100ms --health-retries 100000", command: "sleep 300")
            let (request, marker) = Support.request("slow", services: [("slow", service)])
            var options = PodmanEnvironmentOptions()
            options.healthTimeout = .seconds(1)
            let failure = await #expect(throws: PodmanError.self) { try await PodmanEnvironment.create(client: client, request: request, options: options) }
            #expect(failure?.message.contains("Service 'slow' did not become healthy within 1") == true)
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }

    @Test("a service's environment, user and working directory options apply")
    func serviceOptions() async throws {
        try await Support.withPodman { client async throws in
            var service = ContainerRequest(
                image: Support.busybox, options: "--user 65534 -w /tmp -e EXTRA=1",
                command: "sh -c 'echo \"$(id -u) $(pwd) $SETTING $EXTRA\" > /tmp/info; mkdir -p /tmp/www; cp /tmp/info /tmp/www/index.html; exec httpd -f -p 8090 -h /tmp/www'")
            service.environment = ["SETTING": "on"]
            service.options! += " --health-cmd 'wget -q -O /dev/null http://127.0.0.1:8090/' --health-interval 100ms --health-retries 600"
            let (request, marker) = Support.request("service-options", services: [("web", service)])
            let environment = try await PodmanEnvironment.create(client: client, request: request)
            let result = try await Support.run(environment, "wget -q -O- http://web:8090/")
            #expect(result.lines == ["65534 /tmp on 1"])
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])
        }
    }
}

extension PodmanServicesTests {
    @Test("network host: the pod shares this machine's network namespace; an unknown network fails without leaving a pod")
    func hostAndUnknownNetworks() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("host-net")
            var options = PodmanEnvironmentOptions()
            options.network = .host
            let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
            let inside = try await Support.run(environment, "readlink /proc/self/ns/net").lines
            let outside = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
            #expect(inside == [outside], "\(inside) vs \(outside)")
            await environment.teardown()
            #expect(try await Support.objects(client: client, labels: marker) == [])

            let (other, otherMarker) = Support.request("bad-net")
            var bad = PodmanEnvironmentOptions()
            bad.network = .named("hearth-no-such-network-\(UUID().uuidString.prefix(6).lowercased())")
            await #expect(throws: (any Error).self) { try await PodmanEnvironment.create(client: client, request: other, options: bad) }
            #expect(try await Support.objects(client: client, labels: otherMarker) == [], "nothing is left behind")
        }
    }
}
