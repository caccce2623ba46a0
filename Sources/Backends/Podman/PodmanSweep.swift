import Foundation

/// Removes what jobs left behind when Hearth could not tear them down (a crash, a power cut):
/// every pod, container, network and volume labelled `hearth=1`, and the job's host directory
/// recorded in the `hearth.host-dir` label. Meant for start-up, before any job runs.
public enum PodmanSweep {
    /// What a sweep removed, and what it could not.
    public struct Report: Sendable, Equatable {
        public var pods: [String] = []
        public var containers: [String] = []
        public var networks: [String] = []
        public var volumes: [String] = []
        public var directories: [String] = []
        public var failures: [String] = []

        public var isEmpty: Bool { pods.isEmpty && containers.isEmpty && networks.isEmpty && volumes.isEmpty && directories.isEmpty }
    }

    /// - Parameters:
    ///   - labels: further labels an object must carry (e.g. this runner's id), besides `hearth=1`.
    ///   - olderThan: only objects created at least this long ago (by their `hearth.created` label;
    ///     objects without it count as old).
    public static func removeLeftovers(
        client: PodmanClient, labels: [String: String] = [:], olderThan: Duration? = nil, now: Date = Date()
    ) async throws -> Report {
        var filter = labels
        filter["hearth"] = "1"
        func isOld(_ objectLabels: [String: String]?) -> Bool {
            guard let olderThan else { return true }
            guard let created = objectLabels?["hearth.created"].flatMap(Double.init) else { return true }
            return now.timeIntervalSince1970 - created >= Double(olderThan.components.seconds)
        }
        var report = Report()
        var directories: Set<String> = []
        func noteDirectory(_ objectLabels: [String: String]?) {
            if let directory = objectLabels?["hearth.host-dir"] { directories.insert(directory) }
        }

        let pods = try await client.listPods(labels: filter).filter { isOld($0.labels) }
        for pod in pods {
            noteDirectory(pod.labels)
            try? await client.killPod(pod.name)
        }
        // Containers first (with their anonymous volumes); infra containers go with their pod.
        let containers = try await client.listContainers(labels: filter).filter { isOld($0.labels) }
        let podIDs = Set(pods.map(\.id))
        for container in containers {
            noteDirectory(container.labels)
            let name = container.names.first ?? container.id
            if name.hasSuffix("-infra"), let pod = container.pod, podIDs.contains(pod) { continue }
            do {
                try await client.removeContainer(container.id)
                report.containers.append(name)
            } catch let error as PodmanError where error.isNotFound {
                continue
            } catch {
                report.failures.append("\(error)")
            }
        }
        for pod in pods {
            do {
                try await client.removePod(pod.name)
                report.pods.append(pod.name)
            } catch let error as PodmanError where error.isNotFound {
                continue
            } catch {
                report.failures.append("\(error)")
            }
        }
        for network in try await client.listNetworks(labels: filter) where isOld(network.labels) {
            noteDirectory(network.labels)
            do {
                try await client.removeNetwork(network.name)
                report.networks.append(network.name)
            } catch {
                report.failures.append("\(error)")
            }
        }
        for volume in try await client.listVolumes(labels: filter) where isOld(volume.labels) {
            do {
                try await client.removeVolume(volume.name)
                report.volumes.append(volume.name)
            } catch {
                report.failures.append("\(error)")
            }
        }
        // Only directories Hearth names itself, whatever a label says.
        for directory in directories.sorted() where (directory as NSString).lastPathComponent.hasPrefix("hearth-pod-") {
            guard FileManager.default.fileExists(atPath: directory) else { continue }
            do {
                try FileManager.default.removeItem(atPath: directory)
                report.directories.append(directory)
            } catch {
                report.failures.append("cannot remove \(directory): \(error)")
            }
        }
        return report
    }
}
