/// What a job asks of its execution environment, with every expression already evaluated: the
/// job container (`container:` or the runner label's image) and its `services:`.
///
/// The host backend ignores the containers (and says so in the log); container backends create
/// one pod per job from it.
public struct JobEnvironmentRequest: Sendable {
    /// A stable, readable name for the job instance (used in pod and container names).
    public var name: String
    /// Labels put on every object created for the job, so a sweep can find leftovers.
    public var labels: [String: String]
    /// The job container; nil when neither `container:` nor the label names an image.
    public var container: ContainerRequest?
    /// `services:` in file order.
    public var services: [(name: String, container: ContainerRequest)]

    public init(name: String, labels: [String: String] = [:], container: ContainerRequest? = nil, services: [(name: String, container: ContainerRequest)] = []) {
        self.name = name
        self.labels = labels
        self.container = container
        self.services = services
    }
}

/// One container of a job: the job container or a service.
public struct ContainerRequest: Sendable, Equatable {
    public var image: String
    public var username: String?
    public var password: String?
    public var environment: [String: String]
    /// `ports:` as written (`8080`, `8080:80`, `80/udp`).
    public var ports: [String]
    /// `volumes:` as written (`name:/path`, `/host:/container:ro`).
    public var volumes: [String]
    /// `options:` as written (`--health-cmd … --cpus 2`).
    public var options: String?
    public var entrypoint: String?
    public var command: String?

    public init(
        image: String, username: String? = nil, password: String? = nil, environment: [String: String] = [:], ports: [String] = [],
        volumes: [String] = [], options: String? = nil, entrypoint: String? = nil, command: String? = nil
    ) {
        self.image = image
        self.username = username
        self.password = password
        self.environment = environment
        self.ports = ports
        self.volumes = volumes
        self.options = options
        self.entrypoint = entrypoint
        self.command = command
    }
}
