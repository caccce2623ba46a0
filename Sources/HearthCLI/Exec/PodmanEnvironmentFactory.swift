import Backends
import Engine
import Foundation

/// Podman jobs for `hearth exec --backend podman` (or `-i IMAGE`): one pod per job, the
/// repository bind-mounted as the workspace, services in the same pod.
struct PodmanEnvironmentFactory: EnvironmentFactory {
    let client: PodmanClient
    let options: PodmanEnvironmentOptions
    /// The image of jobs without `container:` (`-i`).
    let defaultImage: String?

    struct NoImage: Error, CustomStringConvertible {
        var job: String
        var description: String { "job '\(job)' has no container: give it 'container:' or pass -i IMAGE" }
    }

    func makeEnvironment(for job: JobKey, request: JobEnvironmentRequest) async throws -> any ExecutionEnvironment {
        var request = request
        if request.container == nil {
            guard let defaultImage else { throw NoImage(job: job.displayName) }
            request.container = ContainerRequest(image: defaultImage)
        }
        let environment = try await PodmanEnvironment.create(client: client, request: request, options: options)
        for notice in environment.notices { printError("hearth: \(job.displayName): \(notice)") }
        return environment
    }
}

