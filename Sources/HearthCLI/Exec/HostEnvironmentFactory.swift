import Backends
import Engine
import Foundation

/// Host jobs for `hearth exec`: every job works in the repository directory itself (as act's
/// bind mode does) with a private `RUNNER_TEMP` that is removed afterwards.
struct HostEnvironmentFactory: EnvironmentFactory {
    let workspace: String
    let toolCache: String

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        try HostEnvironment(workspace: workspace, toolCache: toolCache)
    }
}
