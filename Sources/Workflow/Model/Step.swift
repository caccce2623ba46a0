import Foundation
import Expressions

/// One step of a job: `run:` or `uses:`.
public struct Step: Sendable {
    /// `id:` as written by the user, if any.
    public var id: String?
    /// The id GitHub gives the step: the user's `id` when set, otherwise a generated one
    /// (`__run`, `__actions_checkout`, `__run_2`, ...), unique within the job.
    public var generatedId: String
    /// `name:` (a template).
    public var name: String?
    /// Where the step's mapping starts.
    public var location: SourceLocation
    /// `if:` exactly as written; nil when absent.
    public var ifCondition: String?
    /// The normalised condition (see `Job.condition`); `success()` when absent.
    public var condition: String
    /// `run:` (a template).
    public var run: String?
    public var shell: String?
    /// `working-directory:` (a template).
    public var workingDirectory: String?
    /// `env:` (values are templates).
    public var env: OrderedMap<String>
    /// `uses:` (`actions/checkout@v4`, `./path`, `docker://image`).
    public var uses: String?
    /// `with:` (values are templates; numbers and booleans are converted to strings as GitHub does).
    public var with: OrderedMap<String>
    /// `continue-on-error:`: `.bool` or `.string(expression)`.
    public var continueOnError: Value?
    /// `timeout-minutes:`: `.number` or `.string(expression)`.
    public var timeoutMinutes: Value?

    public init(generatedId: String, location: SourceLocation) {
        self.id = nil
        self.generatedId = generatedId
        self.name = nil
        self.location = location
        self.ifCondition = nil
        self.condition = "success()"
        self.run = nil
        self.shell = nil
        self.workingDirectory = nil
        self.env = OrderedMap()
        self.uses = nil
        self.with = OrderedMap()
        self.continueOnError = nil
        self.timeoutMinutes = nil
    }

    /// True for a `run:` step.
    public var isRun: Bool { run != nil }

    /// The name shown for the step: `name`, else `Run <first line>` or `Run <uses>`.
    public var displayName: String {
        if let name, !name.isEmpty { return name }
        if let run {
            let firstLine = run.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? run
            return "Run \(firstLine.trimmingCharacters(in: .whitespaces))"
        }
        if let uses { return "Run \(uses)" }
        return generatedId
    }
}
