/// A container state to put into a pod's status through the double's Swift API.
public enum KubeDoubleContainerState: Sendable, Hashable {
    case running
    /// e.g. `ImagePullBackOff`, `ErrImagePull`, `CrashLoopBackOff`, `ContainerCreating`.
    case waiting(reason: String, message: String? = nil)
    /// e.g. exit code 0 with reason `Completed`, 1 with `Error`, 137 with `OOMKilled`.
    case terminated(exitCode: Int, reason: String? = nil, message: String? = nil)
}
