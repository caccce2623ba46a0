import Backends
import Foundation

/// Everything needed to render one job's Pod: the job's containers (expressions already
/// evaluated), the label's template and the controller's coordinates.
public struct PodRequest: Sendable {
    /// The Pod's name (see ``PodRenderer/podName(taskID:jobName:)``); also the token Secret's name.
    public var podName: String
    public var namespace: String
    /// The Forgejo task id (label `hearth.forgejo.org/task`).
    public var taskID: Int64
    /// Which Hearth installation owns the pod (label `hearth.forgejo.org/runner`, a label value).
    public var runnerID: String
    /// The job's name as Forgejo shows it (annotation `hearth.forgejo.org/job`).
    public var jobDisplayName: String
    /// The job container and services.
    public var environment: JobEnvironmentRequest
    /// The image of the runner label the job matched (`docker://IMAGE`), if any.
    public var labelImage: String?
    /// The label's template, already laid over the default template.
    public var template: PodTemplate
    /// The `hearth-agent` container's image.
    public var agentImage: String
    /// Where the agent dials the controller, e.g. `http://hearth.hearth.svc:8090`.
    public var controllerURL: String
    /// Kubernetes ends the pod after this many seconds even if Hearth is gone.
    public var activeDeadlineSeconds: Int
    public var terminationGracePeriodSeconds: Int
    /// When the job must be over (annotation `hearth.forgejo.org/deadline`).
    public var deadline: Date

    public init(
        podName: String, namespace: String, taskID: Int64, runnerID: String, jobDisplayName: String,
        environment: JobEnvironmentRequest, labelImage: String? = nil, template: PodTemplate = PodTemplate(),
        agentImage: String, controllerURL: String, activeDeadlineSeconds: Int, terminationGracePeriodSeconds: Int = 60,
        deadline: Date
    ) {
        self.podName = podName
        self.namespace = namespace
        self.taskID = taskID
        self.runnerID = runnerID
        self.jobDisplayName = jobDisplayName
        self.environment = environment
        self.labelImage = labelImage
        self.template = template
        self.agentImage = agentImage
        self.controllerURL = controllerURL
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.deadline = deadline
    }
}
