/// The dependency graph of a workflow's jobs (`needs:`), with GitHub's checks: every `needs`
/// entry names a job, there are no cycles, and at least one job has no dependencies.
///
/// Job ids are compared case-insensitively, as GitHub does.
public struct JobGraph: Sendable {
    /// A problem with the graph, in GitHub's wording.
    public struct Problem: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case noStartJob
            case unknownJob
            case cycle
        }

        public var kind: Kind
        /// The job whose `needs` is wrong (nil for `noStartJob`).
        public var jobID: String?
        /// The `needs` entry at fault.
        public var need: String?
        /// Where the `needs` entry is, when known.
        public var location: SourceLocation?
        public var message: String
    }

    /// Job ids in file order.
    public let jobIDs: [String]
    /// Each job's `needs`, resolved to the ids as the jobs spell them.
    private let needs: [String: [String]]
    private let canonical: [String: String]
    /// Jobs grouped in stages: every job's needs are in earlier stages. Jobs on a cycle or with
    /// an unknown need are in no stage.
    public let stages: [[String]]
    /// Problems found, in the order GitHub reports them.
    public let problems: [Problem]

    public init(jobs: [Job]) {
        jobIDs = jobs.map(\.id)
        var canonical: [String: String] = [:]
        for id in jobIDs where canonical[id.lowercased()] == nil {
            canonical[id.lowercased()] = id
        }
        self.canonical = canonical
        var needs: [String: [String]] = [:]
        for job in jobs {
            needs[job.id] = job.needs.map { canonical[$0.lowercased()] ?? $0 }
        }
        self.needs = needs
        stages = Self.makeStages(jobIDs: jobIDs, needs: needs)
        problems = Self.findProblems(jobs: jobs, canonical: canonical)
    }

    /// True when the graph has no problems.
    public var isValid: Bool { problems.isEmpty }

    /// All jobs in an order where each comes after the jobs it needs (file order among peers).
    public var order: [String] { stages.flatMap { $0 } }

    /// The jobs `id` needs directly.
    public func dependencies(of id: String) -> [String] {
        needs[resolve(id)] ?? []
    }

    /// The jobs that need `id` directly, in file order.
    public func dependents(of id: String) -> [String] {
        let target = resolve(id)
        return jobIDs.filter { (needs[$0] ?? []).contains(target) }
    }

    /// The jobs that need `id` directly or indirectly, in file order.
    public func allDependents(of id: String) -> [String] {
        var found = Set<String>()
        var queue = [resolve(id)]
        while let next = queue.popLast() {
            for dependent in dependents(of: next) where found.insert(dependent).inserted {
                queue.append(dependent)
            }
        }
        return jobIDs.filter(found.contains)
    }

    private func resolve(_ id: String) -> String {
        canonical[id.lowercased()] ?? id
    }

    private static func makeStages(jobIDs: [String], needs: [String: [String]]) -> [[String]] {
        var done = Set<String>()
        var remaining = jobIDs
        var stages: [[String]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { id in (needs[id] ?? []).allSatisfy(done.contains) }
            if ready.isEmpty { break }
            stages.append(ready)
            done.formUnion(ready)
            let readySet = Set(ready)
            remaining.removeAll(where: readySet.contains)
        }
        return stages
    }

    /// GitHub's algorithm: start from the jobs without needs, release the jobs whose needs are all
    /// done, and report every need left over as unknown or as part of a cycle.
    private static func findProblems(jobs: [Job], canonical: [String: String]) -> [Problem] {
        struct Node {
            let id: String
            var needs: [(name: String, location: SourceLocation?)]
        }
        var satisfied: [Node] = []
        var unsatisfied: [Node] = []
        for job in jobs {
            let entries = job.needs.enumerated().map { index, name in
                (name: name, location: index < job.needsLocations.count ? job.needsLocations[index] : nil)
            }
            let node = Node(id: job.id, needs: entries)
            if entries.isEmpty { satisfied.append(node) } else { unsatisfied.append(node) }
        }
        if satisfied.isEmpty {
            return [Problem(kind: .noStartJob, jobID: nil, need: nil, location: nil,
                            message: "The workflow must contain at least one job with no dependencies.")]
        }
        var queueIndex = 0
        while queueIndex < satisfied.count {
            let current = satisfied[queueIndex].id.lowercased()
            queueIndex += 1
            var index = unsatisfied.count - 1
            while index >= 0 {
                unsatisfied[index].needs.removeAll { $0.name.lowercased() == current }
                if unsatisfied[index].needs.isEmpty {
                    satisfied.append(unsatisfied.remove(at: index))
                }
                index -= 1
            }
        }
        var problems: [Problem] = []
        for node in unsatisfied {
            for need in node.needs {
                if canonical[need.name.lowercased()] != nil {
                    problems.append(Problem(
                        kind: .cycle, jobID: node.id, need: need.name, location: need.location,
                        message: "Job '\(node.id)' depends on job '\(need.name)' which creates a cycle in the dependency graph."))
                } else {
                    problems.append(Problem(
                        kind: .unknownJob, jobID: node.id, need: need.name, location: need.location,
                        message: "Job '\(node.id)' depends on unknown job '\(need.name)'."))
                }
            }
        }
        return problems
    }
}
