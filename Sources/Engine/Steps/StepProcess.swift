import Backends
import Foundation
import Synchronization

/// Runs one process for a step: streams its output through a `StepOutputHandler` into log events,
/// and stops it (SIGTERM, grace, SIGKILL) when the job is cancelled or the step times out.
struct StepProcess {
    enum Ending: Equatable {
        case exited(Int32)
        case timedOut
        case cancelled
    }

    let environment: any ExecutionEnvironment
    let cancellation: CancellationSignal
    let grace: Duration

    func run(
        _ spec: ProcessSpec, container: CommandStep.ContainerLaunch? = nil, timeout: Duration?, handler: inout StepOutputHandler,
        emit: (LogLine) -> Void
    ) async throws(ProcessLaunchError) -> Ending {
        let process: any RunningProcess
        if let container {
            let step = ContainerStep(
                image: container.image, entrypoint: container.entrypoint, arguments: spec.arguments, environment: spec.environment,
                workingDirectory: spec.workingDirectory)
            // Notes (an image being pulled) are shown once the container has started or failed to.
            let notes = NoteCollector()
            let started: Result<any RunningProcess, ProcessLaunchError>
            do {
                started = .success(try await environment.runContainer(step) { notes.add($0) })
            } catch {
                started = .failure(error)
            }
            for note in notes.all { emit(LogLine(kind: .info, text: note)) }
            process = try started.get()
        } else {
            process = try await environment.start(spec)
        }
        let timedOut = OnceFlag()
        // A step that starts after the job was cancelled (an always() step) is not stopped by that
        // same cancellation; a second Ctrl-C ends everything through `ChildProcess.killAll()`.
        let token = cancellation.isCancelled ? nil : cancellation.onCancel { [grace] _ in process.terminate(grace: grace) }
        defer { if let token { cancellation.remove(token) } }
        let observesCancellation = token != nil
        let timer: Task<Void, Never>? = timeout.map { limit in
            Task { [grace] in
                do {
                    try await Task.sleep(for: limit)
                    timedOut.set()
                    process.terminate(grace: grace)
                } catch {}
            }
        }
        for await line in process.lines {
            for logLine in handler.handle(line) { emit(logLine) }
        }
        let code = await process.waitForExit()
        timer?.cancel()
        if timedOut.isSet { return .timedOut }
        if observesCancellation && cancellation.isCancelled && code != 0 { return .cancelled }
        return .exited(code)
    }
}

/// A one-way boolean shared between tasks.
public final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)
    public init() {}
    public func set() { value.store(true, ordering: .relaxed) }
    public var isSet: Bool { value.load(ordering: .relaxed) }
}
