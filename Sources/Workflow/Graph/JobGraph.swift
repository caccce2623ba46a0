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

    /// Kahn's algorithm by levels: a job joins the stage after its last need.
    private static func makeStages(jobIDs: [String], needs: [String: [String]]) -> [[String]] {
        var position: [String: Int] = [:]
        for (index, id) in jobIDs.enumerated() where position[id] == nil { position[id] = index }
        var remaining = [Int](repeating: 0, count: jobIDs.count)
        var dependents = [[Int]](repeating: [], count: jobIDs.count)
        for (index, id) in jobIDs.enumerated() {
            for need in needs[id] ?? [] {
                guard let target = position[need] else {
                    remaining[index] = .max  // an unknown job: never ready
                    continue
                }
                if remaining[index] != .max { remaining[index] += 1 }
                dependents[target].append(index)
            }
        }
        var stages: [[String]] = []
        var current = jobIDs.indices.filter { remaining[$0] == 0 }
        while !current.isEmpty {
            stages.append(current.map { jobIDs[$0] })
            var next: [Int] = []
            for index in current {
                for dependent in dependents[index] where remaining[dependent] != .max {
                    remaining[dependent] -= 1
                    if remaining[dependent] == 0 { next.append(dependent) }
                }
            }
            current = next.sorted()
        }
        return stages
    }

    /// GitHub's check: start from the jobs without needs, release the jobs whose needs are all
    /// done, and report every need left over as unknown or as part of a cycle.
    private static func findProblems(jobs: [Job], canonical: [String: String]) -> [Problem] {
        guard jobs.contains(where: { $0.needs.isEmpty }) else {
            return [Problem(kind: .noStartJob, jobID: nil, need: nil, location: nil,
                            message: "The workflow must contain at least one job with no dependencies.")]
        }
        let folded = jobs.map { $0.needs.map { $0.lowercased() } }
        var waitingOn: [String: [Int]] = [:]
        var remaining = [Int](repeating: 0, count: jobs.count)
        var queue: [String] = []
        for (index, needs) in folded.enumerated() {
            if needs.isEmpty {
                queue.append(jobs[index].id.lowercased())
                continue
            }
            remaining[index] = needs.count
            for need in needs { waitingOn[need, default: []].append(index) }
        }
        var satisfied = Set<String>()
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            guard satisfied.insert(current).inserted else { continue }
            for index in waitingOn[current] ?? [] {
                remaining[index] -= folded[index].filter { $0 == current }.count
                if remaining[index] == 0 { queue.append(jobs[index].id.lowercased()) }
            }
        }
        var problems: [Problem] = []
        for (index, job) in jobs.enumerated() where remaining[index] > 0 {
            for (offset, need) in job.needs.enumerated() where !satisfied.contains(folded[index][offset]) {
                let location = offset < job.needsLocations.count ? job.needsLocations[offset] : nil
                if canonical[folded[index][offset]] != nil {
                    problems.append(Problem(
                        kind: .cycle, jobID: job.id, need: need, location: location,
                        message: "Job '\(job.id)' depends on job '\(need)' which creates a cycle in the dependency graph."))
                } else {
                    problems.append(Problem(
                        kind: .unknownJob, jobID: job.id, need: need, location: location,
                        message: "Job '\(job.id)' depends on unknown job '\(need)'."))
                }
            }
        }
        return problems
    }
}
