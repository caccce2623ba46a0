/// A workflow file read into a typed model.
///
/// Strings that may contain `${{ }}` are kept as written (templates); the engine evaluates them at
/// run time. Numbers and booleans written in YAML are kept as `Value`s, and fields that accept
/// either a literal or an expression hold a `Value` whose `.string` case is the expression text.
public struct Workflow: Sendable {
    /// The path the workflow was read from (or the name given to `read(yaml:file:)`).
    public var file: String
    /// `name:` (a plain string; GitHub allows no expressions here).
    public var name: String?
    /// `run-name:` (a template).
    public var runName: String?
    /// `description:`.
    public var summary: String?
    /// `on:`.
    public var triggers: Triggers
    /// Workflow-level `env:` (values are templates), in file order.
    public var env: OrderedMap<String>
    public var defaults: Defaults?
    public var permissions: Permissions?
    public var concurrency: Concurrency?
    /// The jobs in file order.
    public var jobs: [Job]
    /// Where the workflow's root mapping starts.
    public var location: SourceLocation

    public init(file: String, triggers: Triggers = Triggers(), jobs: [Job] = [], location: SourceLocation? = nil) {
        self.file = file
        self.name = nil
        self.runName = nil
        self.summary = nil
        self.triggers = triggers
        self.env = OrderedMap()
        self.defaults = nil
        self.permissions = nil
        self.concurrency = nil
        self.jobs = jobs
        self.location = location ?? SourceLocation(file: file, line: 1, column: 1)
    }

    /// The job with this id (job ids are compared case-insensitively, as on GitHub).
    public func job(_ id: String) -> Job? {
        if let exact = jobs.first(where: { $0.id == id }) { return exact }
        let folded = id.lowercased()
        return jobs.first { $0.id.lowercased() == folded }
    }

    /// The dependency graph of the jobs.
    public var graph: JobGraph { JobGraph(jobs: jobs) }

    /// The name shown for the workflow: `name:` or the file path.
    public var displayName: String { name ?? file }
}
