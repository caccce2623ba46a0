import Forgejo
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Metrics and health endpoints")
struct ObservabilityTests {
    func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("/metrics exposes the runner metrics; /healthz answers; /readyz follows readiness")
    func endpoints() async throws {
        let metrics = RunnerMetrics()
        let readiness = Readiness()
        let server = ObservabilityServer(metrics: metrics, readiness: readiness)
        let port = await server.start(host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        defer { server.stop() }
        #expect(port > 0)
        let base = "http://127.0.0.1:\(port)"
        let (status, body) = try await get(base + "/metrics")
        #expect(status == 200)
        for name in ["hearth_tasks_running", "hearth_fetch_errors_total", "hearth_log_rows_sent_total", "hearth_fetch_duration_seconds", "hearth_task_first_step_seconds"] {
            #expect(body.contains(name), "missing \(name)")
        }
        #expect(try await get(base + "/healthz").0 == 200)
        let notReady = try await get(base + "/readyz")
        #expect(notReady.0 == 503)
        #expect(notReady.1.contains("starting"))
        readiness.set(ready: true, reason: "fetching")
        #expect(try await get(base + "/readyz").0 == 200)
    }

    @Test("a port that cannot be bound is reported, not a hang")
    func bindFailure() async throws {
        let first = ObservabilityServer(metrics: RunnerMetrics(), readiness: Readiness())
        let port = await first.start(host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        defer { first.stop() }
        let second = ObservabilityServer(metrics: RunnerMetrics(), readiness: Readiness())
        #expect(await second.start(host: "127.0.0.1", port: port, logger: Logger(label: "test")) == -1)
    }
}
