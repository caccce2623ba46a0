import Kube

/// The pod settings of one runner label (or the defaults for all labels), from `config.yml`'s
/// `kubernetes.default` and `kubernetes.labels.<label>`.
///
/// Every field is optional so that a label's template can be laid over the default one
/// (``overlaid(by:)``); Kubernetes objects (`resources`, `tolerations`, `affinity`, `patch`)
/// are carried as JSON, exactly as written.
public struct PodTemplate: Sendable, Equatable {
    /// The job image when neither `container:` nor the runner label names one.
    public var image: String?
    /// The job container's `resources` (`requests`/`limits`).
    public var resources: JSONValue?
    /// Every service container's `resources`.
    public var serviceResources: JSONValue?
    /// The `hearth-agent` container's `resources` (defaults: ``PodLayout/defaultAgentResources``).
    public var agentResources: JSONValue?
    public var nodeSelector: [String: String]
    /// Kubernetes `tolerations`, as written.
    public var tolerations: [JSONValue]?
    /// Kubernetes `affinity`, as written.
    public var affinity: JSONValue?
    public var serviceAccountName: String?
    /// Names of existing `kubernetes.io/dockerconfigjson` Secrets in the job namespace.
    public var imagePullSecrets: [String]
    public var runtimeClassName: String?
    public var priorityClassName: String?
    /// Extra labels on the pod (Hearth's own labels always win).
    public var labels: [String: String]
    /// Extra annotations on the pod (Hearth's own annotations always win).
    public var annotations: [String: String]
    /// A JSON merge patch (RFC 7386) applied to the finished Pod, for anything not modelled here.
    public var patch: JSONValue?
    /// The security profile; `restricted` unless set.
    public var security: SecurityProfile {
        get { securityChoice ?? .restricted }
        set { securityChoice = newValue }
    }
    /// The profile as configured, nil when this template leaves it to the one it is laid over.
    public var securityChoice: SecurityProfile?
    /// `sizeLimit` of the shared workspace `emptyDir` (a quantity such as `10Gi`).
    public var workspaceSizeLimit: String?
    /// The most jobs of this label running at once (nil: only `runner.capacity` limits them).
    public var concurrency: Int?

    public init(
        image: String? = nil, resources: JSONValue? = nil, serviceResources: JSONValue? = nil, agentResources: JSONValue? = nil,
        nodeSelector: [String: String] = [:], tolerations: [JSONValue]? = nil, affinity: JSONValue? = nil,
        serviceAccountName: String? = nil, imagePullSecrets: [String] = [], runtimeClassName: String? = nil,
        priorityClassName: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:],
        patch: JSONValue? = nil, security: SecurityProfile? = nil, workspaceSizeLimit: String? = nil, concurrency: Int? = nil
    ) {
        self.image = image
        self.resources = resources
        self.serviceResources = serviceResources
        self.agentResources = agentResources
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
        self.serviceAccountName = serviceAccountName
        self.imagePullSecrets = imagePullSecrets
        self.runtimeClassName = runtimeClassName
        self.priorityClassName = priorityClassName
        self.labels = labels
        self.annotations = annotations
        self.patch = patch
        self.securityChoice = security
        self.workspaceSizeLimit = workspaceSizeLimit
        self.concurrency = concurrency
    }

    /// This template with `other` laid over it: `other`'s scalars and lists win where set;
    /// `resources` (all three), `node_selector`, `labels` and `annotations` merge key by key;
    /// `image_pull_secrets` are joined; the two patches compose (this one's first, then
    /// `other`'s).
    public func overlaid(by other: PodTemplate) -> PodTemplate {
        var result = self
        result.image = other.image ?? image
        result.resources = Self.merge(resources, other.resources)
        result.serviceResources = Self.merge(serviceResources, other.serviceResources)
        result.agentResources = Self.merge(agentResources, other.agentResources)
        result.nodeSelector.merge(other.nodeSelector) { _, new in new }
        result.tolerations = other.tolerations ?? tolerations
        result.affinity = other.affinity ?? affinity
        result.serviceAccountName = other.serviceAccountName ?? serviceAccountName
        for name in other.imagePullSecrets where !result.imagePullSecrets.contains(name) { result.imagePullSecrets.append(name) }
        result.runtimeClassName = other.runtimeClassName ?? runtimeClassName
        result.priorityClassName = other.priorityClassName ?? priorityClassName
        result.labels.merge(other.labels) { _, new in new }
        result.annotations.merge(other.annotations) { _, new in new }
        switch (patch, other.patch) {
        case (let first?, let second?): result.patch = MergePatch.compose(first, second)
        default: result.patch = other.patch ?? patch
        }
        result.securityChoice = other.securityChoice ?? securityChoice
        result.workspaceSizeLimit = other.workspaceSizeLimit ?? workspaceSizeLimit
        result.concurrency = other.concurrency ?? concurrency
        return result
    }

    private static func merge(_ base: JSONValue?, _ overlay: JSONValue?) -> JSONValue? {
        guard let overlay else { return base }
        guard let base else { return overlay }
        return base.merging(patch: overlay)
    }
}

/// RFC 7386 merge patches.
public enum MergePatch {
    /// One patch with the effect of applying `first`, then `second`: for every document `d`,
    /// `d.merging(patch: compose(first, second)) == d.merging(patch: first).merging(patch: second)`.
    public static func compose(_ first: JSONValue, _ second: JSONValue) -> JSONValue {
        guard case .object(let secondMembers) = second else { return second }
        guard case .object(var members) = first else {
            // `first` replaced the whole document; `second` then patches that value.
            return first.merging(patch: second)
        }
        for (key, value) in secondMembers {
            if value == .null {
                members[key] = .null
            } else if let existing = members[key] {
                if existing == .null {
                    // Removed by `first`, then patched onto nothing.
                    members[key] = JSONValue.null.merging(patch: value)
                } else {
                    members[key] = compose(existing, value)
                }
            } else {
                members[key] = value
            }
        }
        return .object(members)
    }
}
