import Foundation

/// Settings of `WorkflowReader`: GitHub's limits, feature switches, and how to find called
/// (reusable) workflows.
public struct ReaderOptions: Sendable {
    /// Largest accepted file, in UTF-16 code units as GitHub counts (nil: no limit).
    public var maxFileSize: Int?
    /// Deepest accepted nesting of mappings and sequences.
    public var maxDepth: Int
    /// Largest accepted parsed size, counted GitHub's way across a workflow and the workflows it
    /// calls (nil: no limit).
    public var maxResultSize: Int?
    /// Most jobs a workflow may have, counting the jobs of called workflows (nil: no limit).
    public var maxJobs: Int?
    /// How deep reusable workflows may call each other (the top-level workflow's callees are level 1).
    /// The default, 9, is GitHub.com's "ten levels of workflows" (GitHub Enterprise Server: 3).
    public var maxReusableWorkflowDepth: Int
    /// The permissions a job gets when neither it nor its workflow sets `permissions:`; used to
    /// check what called workflows request. Nil: no check for such jobs.
    public var defaultPermissions: Permissions?
    /// Accepts GitHub's experimental background steps (`background`, `wait`, `wait-all`, `cancel`).
    public var allowBackgroundSteps: Bool
    /// Finds the source of a called workflow: given the `uses:` reference and the calling file,
    /// returns the file's name and content, or nil when it cannot be found (then the call is not
    /// checked). `read(path:)` uses `ReaderOptions.localWorkflows(root:)` when this is nil.
    public var workflowProvider: (@Sendable (_ reference: String, _ callerFile: String) -> WorkflowSource?)?

    public init(maxFileSize: Int? = 1_048_576, maxDepth: Int = 50, maxResultSize: Int? = 10_485_760,
                maxJobs: Int? = nil, maxReusableWorkflowDepth: Int = 9, defaultPermissions: Permissions? = nil,
                allowBackgroundSteps: Bool = false,
                workflowProvider: (@Sendable (String, String) -> WorkflowSource?)? = nil) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxResultSize = maxResultSize
        self.maxJobs = maxJobs
        self.maxReusableWorkflowDepth = maxReusableWorkflowDepth
        self.defaultPermissions = defaultPermissions
        self.allowBackgroundSteps = allowBackgroundSteps
        self.workflowProvider = workflowProvider
    }

    public static let `default` = ReaderOptions()

    /// GitHub's "restricted" default token permissions (contents and packages read, the rest none).
    public static let limitedReadPermissions = Permissions.scopes(["contents": .read, "packages": .read])

    /// A provider for local calls (`uses: ./.github/workflows/x.yml`) resolved against the
    /// repository root `root`; remote references are not resolved.
    public static func localWorkflows(root: String) -> @Sendable (String, String) -> WorkflowSource? {
        { reference, _ in
            guard reference.hasPrefix("./") else { return nil }
            let relative = String(reference.dropFirst(2).split(separator: "@", maxSplits: 1).first ?? "")
            let path = (root as NSString).appendingPathComponent(relative)
            guard let content = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return WorkflowSource(file: path, content: content)
        }
    }
}

/// The text of a called workflow and the name to report its errors under.
public struct WorkflowSource: Sendable {
    public var file: String
    public var content: String

    public init(file: String, content: String) {
        self.file = file
        self.content = content
    }
}
