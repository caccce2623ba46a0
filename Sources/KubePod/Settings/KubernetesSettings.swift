import Backends
import Kube

/// The `kubernetes:` section of `config.yml`: where job pods go, how they reach the controller,
/// and the pod template of each runner label.
///
/// ```yaml
/// kubernetes:
///   namespace: hearth-jobs
///   controller_url: http://hearth.hearth.svc:8090
///   agent_image: ghcr.io/example/hearth:1.0
///   start_timeout: 10m
///   default:
///     resources: {requests: {cpu: 500m, memory: 1Gi}}
///   labels:
///     big:
///       resources: {requests: {cpu: "4", memory: 8Gi}}
///       node_selector: {node.kubernetes.io/instance-type: c6i.2xlarge}
/// ```
public struct KubernetesSettings: Sendable, Equatable {
    /// The namespace of job pods; nil: the controller's own namespace (in a cluster), else `default`.
    public var namespace: String?
    /// A kubeconfig file; nil: in-cluster configuration, then `$KUBECONFIG`, then `~/.kube/config`.
    public var kubeconfig: String?
    /// The kubeconfig context; nil: the current context.
    public var context: String?
    /// How job pods reach the controller's agent channel, e.g. `http://hearth.hearth.svc:8090`.
    public var controllerURL: String?
    /// Where the controller listens for agents (default `[::]:8090`: every address, both families).
    public var listen: String
    /// The image of the `hearth-agent` container; nil: the controller's own image.
    public var agentImage: String?
    /// How long a pod may take to start (scheduling, image pulls) before the job fails.
    public var startTimeout: Duration
    /// The template every label starts from (`kubernetes.default`).
    public var defaultTemplate: PodTemplate
    /// Per runner label (`kubernetes.labels.<label>`), laid over ``defaultTemplate``.
    public var labels: [String: PodTemplate]

    public static let defaultListen = "[::]:8090"
    public static let defaultStartTimeout: Duration = .seconds(600)

    public init(
        namespace: String? = nil, kubeconfig: String? = nil, context: String? = nil, controllerURL: String? = nil,
        listen: String = KubernetesSettings.defaultListen, agentImage: String? = nil,
        startTimeout: Duration = KubernetesSettings.defaultStartTimeout, defaultTemplate: PodTemplate = PodTemplate(),
        labels: [String: PodTemplate] = [:]
    ) {
        self.namespace = namespace
        self.kubeconfig = kubeconfig
        self.context = context
        self.controllerURL = controllerURL
        self.listen = listen
        self.agentImage = agentImage
        self.startTimeout = startTimeout
        self.defaultTemplate = defaultTemplate
        self.labels = labels
    }

    /// The template for runner label `label` (its name, without `:docker://…`): the label's
    /// template laid over the default one.
    public func template(forLabel label: String) -> PodTemplate {
        guard let specific = labels[label] else { return defaultTemplate }
        return defaultTemplate.overlaid(by: specific)
    }

    /// Reads the section (`null` gives the defaults). Keys are snake_case; Kubernetes objects
    /// inside (`resources`, `tolerations`, `affinity`, `patch`) are written as in Kubernetes.
    /// Unknown keys are errors, with a suggestion when one is close.
    public static func parse(_ section: JSONValue, file: String) throws(KubernetesSettingsError) -> KubernetesSettings {
        try SettingsReader(file: file).settings(section)
    }
}
