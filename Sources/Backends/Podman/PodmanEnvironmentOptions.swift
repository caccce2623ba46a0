/// How `PodmanEnvironment` builds a job's pod: paths inside the containers, the network, which
/// volumes are allowed and how long services may take to become healthy.
public struct PodmanEnvironmentOptions: Sendable {
    /// The network the pod joins.
    public enum Network: Sendable, Equatable {
        /// Podman's default network (`podman`).
        case podmanDefault
        /// An existing network, by name (`--network`, `container.network`).
        case named(String)
        /// A new IPv6-only network (a random `fd00:…/64`) created for the job and removed afterwards.
        case ipv6Only
        /// This machine's network namespace (`host`, as forgejo-runner's `container.network: host`).
        case host
    }

    /// When to pull an image.
    public enum PullPolicy: Sendable, Equatable {
        /// Pull when the image is not in local storage.
        case missing
        /// Never pull: a missing image is an error.
        case never
        /// Pull every time, even when present (`container.force_pull`); `localhost/` images,
        /// which cannot be pulled, are used as they are.
        case always
    }

    /// A host directory mounted into the job container (and translated by `hostPath(for:)`).
    public struct Mount: Sendable, Equatable {
        public var hostPath: String
        public var containerPath: String
        public var readOnly: Bool

        public init(hostPath: String, containerPath: String, readOnly: Bool = false) {
            self.hostPath = hostPath
            self.containerPath = containerPath
            self.readOnly = readOnly
        }
    }

    public var network: Network = .podmanDefault
    /// The host directory holding the workspace; a fresh one (removed at teardown) when nil.
    public var workspaceHostPath: String?
    /// The workspace as steps see it (forgejo-runner: `/workspace/OWNER/REPO`).
    public var workspacePath = "/workspace/hearth/workspace"
    /// `RUNNER_TEMP` as steps see it; always a fresh host directory behind it.
    public var runnerTempPath = "/var/run/hearth/temp"
    /// `RUNNER_TOOL_CACHE` inside the job container (not shared with the host).
    public var toolCachePath = "/opt/hostedtoolcache"
    /// Where the job's private host directories are created (`TMPDIR` or `/tmp` when nil).
    public var hostTemporaryDirectory: String?
    /// Further host directories for the job container (e.g. the actions cache).
    public var additionalMounts: [Mount] = []
    /// Which `volumes:` may be mounted (forgejo-runner's `valid_volumes`); none by default.
    public var volumePolicy = PodmanVolumePolicy()
    public var pullPolicy: PullPolicy = .missing
    /// Build Dockerfile actions' images even when one with the same tag exists (`container.force_rebuild`).
    public var forceRebuild = false
    /// The longest a service with a health check may take to become healthy.
    public var healthTimeout: Duration = .seconds(300)
    /// Labels added to every object (e.g. the runner's id, for a sweep limited to that runner).
    public var labels: [String: String] = [:]
    /// The runner's node, mounted read-only at `nodePath` in the job container so that JavaScript
    /// actions run in images without node; nil: only the image's own node is used.
    public var nodeBundle: NodeBundle?
    /// Where the runner's action cache appears in job containers (mounted read-only).
    public static let actionCachePath = "/__hearth/actions"
    /// Where `nodeBundle` appears in the job container.
    public var nodePath = "/__hearth/node"

    public init() {}
}
