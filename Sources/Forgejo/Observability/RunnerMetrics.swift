import Foundation
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics:
///
/// | metric | type | meaning |
/// |---|---|---|
/// | `hearth_tasks_running` | gauge | tasks being run now |
/// | `hearth_tasks_finished_total{result}` | counter | finished tasks by result |
/// | `hearth_fetch_duration_seconds` | histogram | FetchTask latency |
/// | `hearth_fetch_errors_total` | counter | FetchTask calls that failed |
/// | `hearth_log_rows_sent_total` | counter | log rows acknowledged by the server |
/// | `hearth_task_first_step_seconds` | histogram | time from fetching a task to its first step |
public final class RunnerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let running: Gauge
    private let fetchDuration: DurationHistogram
    private let fetchErrors: Counter
    private let logRows: Counter
    private let firstStep: DurationHistogram
    private let fetchedAt = Mutex<[Int64: ContinuousClock.Instant]>([:])

    public init() {
        running = registry.makeGauge(descriptor: Self.name("tasks", "running", "Tasks being run now."))
        fetchDuration = registry.makeDurationHistogram(
            descriptor: Self.name("fetch_duration", "seconds", "FetchTask latency."),
            buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(10)])
        fetchErrors = registry.makeCounter(descriptor: Self.name("fetch_errors", "total", "FetchTask calls that failed."))
        logRows = registry.makeCounter(descriptor: Self.name("log_rows_sent", "total", "Log rows acknowledged by the server."))
        firstStep = registry.makeDurationHistogram(
            descriptor: Self.name("task_first_step", "seconds", "Time from fetching a task to its first step."),
            buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120)])
    }

    func fetched(duration: Duration) { fetchDuration.record(duration) }
    func fetchFailed() { fetchErrors.increment() }
    func logRowsSent(_ count: Int) { if count > 0 { logRows.increment(by: Int64(count)) } }

    func taskStarted(taskID: Int64) {
        running.increment()
        fetchedAt.withLock { $0[taskID] = .now }
    }

    func firstStepStarted(taskID: Int64) {
        if let start = fetchedAt.withLock({ $0.removeValue(forKey: taskID) }) { firstStep.record(.now - start) }
    }

    func taskFinished(taskID: Int64, result: String) {
        running.decrement()
        fetchedAt.withLock { _ = $0.removeValue(forKey: taskID) }
        registry.makeCounter(descriptor: Self.name("tasks_finished", "total", "Finished tasks by result."), labels: [("result", result)]).increment()
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "hearth", metricName: metric, unitName: unit, helpText: help)
    }

    /// The text exposition format, for `/metrics`.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
