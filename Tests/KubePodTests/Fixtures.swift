import Backends
import Foundation
import Kube
@testable import KubePod

/// Requests and pod lookups shared by the suites.
enum Fixtures {
    static let token = "tok-3f9a1c2e-agent-secret"
    static let deadline = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func request(
        job: ContainerRequest? = ContainerRequest(image: "node:20-bookworm"),
        services: [(name: String, container: ContainerRequest)] = [],
        labelImage: String? = nil,
        template: PodTemplate = PodTemplate(),
        jobName: String = "build (linux, 20)",
        taskID: Int64 = 4711,
        environmentLabels: [String: String] = [:]
    ) -> PodRequest {
        PodRequest(
            podName: PodRenderer.podName(taskID: taskID, jobName: jobName), namespace: "hearth", taskID: taskID, runnerID: "runner-1",
            jobDisplayName: jobName,
            environment: JobEnvironmentRequest(name: "build", labels: environmentLabels, container: job, services: services),
            labelImage: labelImage, template: template, agentImage: "registry.example.org/hearth:0.1.0",
            controllerURL: "http://hearth.hearth.svc:8090", activeDeadlineSeconds: 11_400, terminationGracePeriodSeconds: 60,
            deadline: deadline)
    }

    static func render(_ request: PodRequest) throws -> RenderedJob {
        try PodRenderer.render(request, agentToken: token)
    }

    /// The rendering error's message, or nil when rendering succeeded.
    static func failure(_ request: PodRequest) -> String? {
        do {
            _ = try PodRenderer.render(request, agentToken: token)
            return nil
        } catch {
            return error.message
        }
    }

    /// A service with typical secrets in its environment.
    static let postgres = ContainerRequest(
        image: "postgres:16", environment: ["POSTGRES_PASSWORD": "pg-Secret-Value-91", "POSTGRES_DB": "app"], ports: ["5432"],
        options: "--health-cmd pg_isready --health-interval 5s --health-timeout 3s --health-retries 10")
    static let redis = ContainerRequest(image: "redis:7", ports: ["6379:6379"])
}

extension JSONValue {
    /// The container named `name` of a Pod.
    func container(_ name: String) -> JSONValue? {
        self[path: "spec", "containers"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    var containerNames: [String] {
        self[path: "spec", "containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    func volume(_ name: String) -> JSONValue? {
        self[path: "spec", "volumes"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    /// The env entry `name` of a container.
    func env(_ name: String) -> JSONValue? {
        self["env"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    var strings: [String] { arrayValue?.compactMap(\.stringValue) ?? [] }
}
