/// `environment:` of a job.
public struct DeploymentEnvironment: Sendable, Hashable {
    /// The environment name (a template). Empty for `environment: ''`.
    public var name: String
    /// `url:` (a template).
    public var url: String?
    /// `deployment:`; false skips creating a deployment.
    public var deployment: Bool
    /// True when the whole value was one `${{ }}` expression (it may evaluate to a name or an object).
    public var isExpression: Bool

    public init(name: String, url: String? = nil, deployment: Bool = true, isExpression: Bool = false) {
        self.name = name
        self.url = url
        self.deployment = deployment
        self.isExpression = isExpression
    }
}
