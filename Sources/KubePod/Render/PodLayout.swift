import Kube

/// The fixed names and paths of a Hearth job pod, shared by the renderer, the controller and the
/// in-pod agent.
public enum PodLayout {
    /// The container running the steps (the job's image, command: the step shim).
    public static let jobContainer = "job"
    /// The container running `hearth agent`.
    public static let agentContainer = "hearth-agent"
    /// Prefix of service container names (`svc-<service>`).
    public static let servicePrefix = "svc-"

    /// The shared workspace volume, mounted at ``StepShim/workMount`` in the job and agent containers.
    public static let workVolume = "hearth-work"
    /// The volume holding the agent's token (key ``tokenKey`` of the job's Secret).
    public static let tokenVolume = "hearth-token"
    /// Where the agent container mounts ``tokenVolume``.
    public static let tokenMount = "/var/run/hearth"
    /// The Secret key (and file name under ``tokenMount``) of the agent's token.
    public static let tokenKey = "token"

    /// The agent container's command.
    public static let agentCommand = ["hearth", "agent"]
    /// Environment of the agent container (plain values; nothing secret).
    public static let controllerURLVariable = "HEARTH_CONTROLLER_URL"
    public static let tokenFileVariable = "HEARTH_TOKEN_FILE"
    public static let taskIDVariable = "HEARTH_TASK_ID"
    public static let podNameVariable = "HEARTH_POD_NAME"
    public static let podNamespaceVariable = "HEARTH_POD_NAMESPACE"
    public static let workDirectoryVariable = "HEARTH_WORK_DIR"

    /// The uid and gid of the agent, of restricted job containers and the pod's `fsGroup`.
    public static let unprivilegedID = 1001

    /// Labels on every job pod and Secret.
    public static let nameLabel = "app.kubernetes.io/name"
    public static let nameLabelValue = "hearth-job"
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByLabelValue = "hearth"
    public static let runnerLabel = "hearth.forgejo.org/runner"
    public static let taskLabel = "hearth.forgejo.org/task"
    /// Annotations on every job pod.
    public static let jobAnnotation = "hearth.forgejo.org/job"
    public static let deadlineAnnotation = "hearth.forgejo.org/deadline"

    /// The agent's resources unless the template says otherwise.
    public static let defaultAgentResources: JSONValue = [
        "requests": ["cpu": "10m", "memory": "32Mi"],
        "limits": ["memory": "256Mi"],
    ]

    /// The label selector matching every job pod of one Hearth installation.
    public static func selector(runnerID: String) -> String {
        "\(nameLabel)=\(nameLabelValue),\(runnerLabel)=\(runnerID)"
    }
}
