import Backends
import Foundation
import Testing

@Suite("Podman sweep of leftovers", .disabled(if: PodmanTestSupport.skipRequested, PodmanTestSupport.skipReason))
struct PodmanSweepTests {
    typealias Support = PodmanTestSupport

    @Test("after a simulated crash the sweep removes the pod, containers, network and host directory")
    func sweepAfterCrash() async throws {
        try await Support.withPodman { client async throws in
            let (request, marker) = Support.request("crashed", services: [("svc", ContainerRequest(image: Support.busybox, command: "sleep 300"))])
            var options = PodmanEnvironmentOptions()
            options.network = .ipv6Only
            var hostDirectory = ""
            do {
                // The environment is dropped without teardown, as when the runner dies.
                let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
                hostDirectory = (environment.hostPath(for: environment.runnerTemp) as NSString).deletingLastPathComponent
            }
            #expect(FileManager.default.fileExists(atPath: hostDirectory))
            #expect(try await Support.objects(client: client, labels: marker).count == 5)  // pod, infra, job, service, network

            // Too young for an age-limited sweep.
            let young = try await PodmanSweep.removeLeftovers(client: client, labels: marker, olderThan: .seconds(3600))
            #expect(young.isEmpty)
            #expect(try await Support.objects(client: client, labels: marker).count == 5)

            let report = try await PodmanSweep.removeLeftovers(client: client, labels: marker)
            #expect(report.failures == [])
            #expect(report.pods.count == 1)
            #expect(report.containers.count == 2)
            #expect(report.networks.count == 1)
            #expect(report.directories == [hostDirectory])
            #expect(try await Support.objects(client: client, labels: marker) == [])
            #expect(!FileManager.default.fileExists(atPath: hostDirectory))
        }
    }
}
