import Foundation
import Synchronization
import Workflow

/// Finds the action a `uses:` names and reads its `action.yml`: local actions from the
/// workspace, remote ones through the run's `ActionFetcher` (cached by repository and commit).
/// Within a job each `uses:` is resolved once.
final class ActionResolver: Sendable {
    let run: RunContext
    let workspace: String
    private let resolved = Mutex<[String: ResolvedAction]>([:])

    init(run: RunContext, workspace: String) {
        self.run = run
        self.workspace = workspace
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
            let directory = URL(fileURLWithPath: (workspace as NSString).appendingPathComponent(path)).standardizedFileURL.path
            action = ResolvedAction(
                uses: uses, manifest: try readManifest(directory, uses: uses), directory: directory, repository: "", ref: "",
                identity: directory)
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
            action = ResolvedAction(
                uses: uses, manifest: try readManifest(fetched.directory, uses: uses), directory: fetched.directory,
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
