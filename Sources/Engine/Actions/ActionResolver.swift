import Foundation
import Backends
import Synchronization
import Workflow

/// Finds the action a `uses:` names and reads its `action.yml`: local actions from the
/// workspace, remote ones through the run's `ActionFetcher` (cached by repository and commit).
/// Within a job each `uses:` is resolved once.
final class ActionResolver: Sendable {
    let run: RunContext
    let environment: any ExecutionEnvironment
    private let resolved = Mutex<[String: ResolvedAction]>([:])

    init(run: RunContext, environment: any ExecutionEnvironment) {
        self.run = run
        self.environment = environment
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// Warnings collected on the way (e.g. a cached copy used offline).
        var warnings: [String] = []
    }

    /// Resolves `uses`; `warnings` receives notes such as "using the cached copy offline".
    func resolve(_ uses: String, warnings: inout [String]) async throws(Failure) -> ResolvedAction {
        if let known = resolved.withLock({ $0[uses] }) { return known }
        let reference: ActionReference
        do {
            reference = try ActionReference(parsing: uses, defaultBaseURL: run.defaultActionsURL)
        } catch {
            throw Failure(description: "\(error)")
        }
        let action: ResolvedAction
        switch reference.kind {
        case .docker(let image):
            throw Failure(description: "'docker://\(image)' is a container image, not an action directory")
        case .local(let path):
            let directory = URL(fileURLWithPath: (environment.workspace as NSString).appendingPathComponent(path)).standardizedFileURL.path
            let hostDirectory = environment.hostPath(for: directory)
            action = ResolvedAction(
                uses: uses, manifest: try readManifest(hostDirectory, uses: uses), directory: directory, hostDirectory: hostDirectory,
                repository: "", ref: "", identity: directory)
        case .remote(let remote):
            guard let fetcher = run.actionFetcher else {
                throw Failure(description: "'\(uses)' is a remote action, but this run has no action cache to fetch it into")
            }
            let fetched: FetchedAction
            do {
                fetched = try await fetcher.fetch(remote)
            } catch {
                throw Failure(description: "Cannot fetch '\(uses)': \(error)")
            }
            warnings += fetched.warnings
            guard let directory = environment.environmentPath(for: fetched.directory) else {
                throw Failure(description: "'\(uses)' was fetched to \(fetched.directory), which the \(environment.kind) job container does not see (the action cache is not mounted into it)")
            }
            action = ResolvedAction(
                uses: uses, manifest: try readManifest(fetched.directory, uses: uses), directory: directory, hostDirectory: fetched.directory,
                repository: "\(remote.owner)/\(remote.repo)", ref: remote.ref,
                identity: "\(fetched.repositoryURL)@\(fetched.commit)/\(remote.path)")
        }
        resolved.withLock { $0[uses] = action }
        return action
    }

    private func readManifest(_ directory: String, uses: String) throws(Failure) -> ActionManifest {
        do {
            return try ActionManifestReader.read(directory: directory)
        } catch {
            throw Failure(description: "The action '\(uses)' is invalid:\n\(error)")
        }
    }
}
