/// How much a job pod's own containers (job and services) may do, chosen per runner label.
///
/// - `restricted` (the default): every container runs as uid/gid 1001 with no capabilities, no
///   privilege escalation and the runtime's default seccomp profile. The pod passes the
///   `restricted` Pod Security Standard. Images that need root (`apt-get install`) fail.
/// - `baseline`: containers run as their image's user (root allowed) with the runtime's default
///   capabilities, still without privilege escalation and with seccomp `RuntimeDefault`. Passes
///   the `baseline` Pod Security Standard; root in the container is root on the node's kernel.
/// - `userNamespace`: `hostUsers: false`; containers run as uid 0 inside a user namespace whose
///   ids map to unprivileged ids on the node (Kubernetes ≥ 1.33, or 1.30+ with the
///   `UserNamespacesSupport` gate), keeping the default (namespaced) capabilities so package
///   managers work. Passes `baseline`.
///
/// The `hearth-agent` container always runs as uid 1001 with the restricted settings.
public enum SecurityProfile: String, Sendable, CaseIterable {
    case restricted
    case baseline
    case userNamespace = "user-namespace"
}
