import Backends
import Engine
import Foundation
import Workflow

/// A job's containers, evaluated exactly as the engine evaluates them (matrix, `needs`, `inputs`,
/// `vars` and all), without running a step: the pod has to exist before the agent inside it can
/// run the engine for real.
public enum JobPlanner {
    /// Each job instance that would start, with its environment request. Jobs skipped by their
    /// `if:` (and jobs whose expressions fail) are absent: they need no pod.
    public static func plan(
        workflow: Workflow, run: RunContext, selectedJobs: Set<String>?, completedJobs: [JobSummary] = []
    ) async -> [(JobKey, JobEnvironmentRequest)] {
        let capture = CapturingFactory()
        let runner = WorkflowRunner(
            workflow: workflow, run: run, environments: capture, sink: DiscardingSink(), cancellation: CancellationSignal(),
            limit: AsyncSemaphore(permits: 4), selectedJobs: selectedJobs, completedJobs: completedJobs)
        _ = await runner.execute()
        return capture.captured
    }
}

/// Records every request and refuses it, so the engine stops right after evaluating it.
private final class CapturingFactory: EnvironmentFactory, @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [(JobKey, JobEnvironmentRequest)] = []

    struct Planned: Error {}

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        lock.withLock { requests.append((job, request)) }
        throw Planned()
    }

    var captured: [(JobKey, JobEnvironmentRequest)] {
        lock.withLock { requests.sorted { ($0.0.jobID, $0.0.matrixIndex ?? -1) < ($1.0.jobID, $1.0.matrixIndex ?? -1) } }
    }
}

private struct DiscardingSink: EventSink {
    func receive(_ event: RunEvent) {}
}
