/// The request and response bodies of the libpod REST API (v4) that Hearth uses, as Codable
/// values. Only the fields Hearth reads or sets are declared; unknown fields are ignored.
public enum PodmanAPI {
    /// `POST /libpod/pods/create` (a `PodSpecGenerator`).
    public struct PodSpec: Encodable, Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        /// `/etc/hosts` entries as `name:address`.
        public var hostAdd: [String]
        public var netns: Namespace
        /// Networks to join; nil joins Podman's default network.
        public var networks: [String: NetworkOptions]?

        public init(name: String, labels: [String: String], hostAdd: [String], networks: [String: NetworkOptions]? = nil) {
            self.name = name
            self.labels = labels
            self.hostAdd = hostAdd
            self.netns = Namespace(mode: "bridge")
            self.networks = networks
        }

        enum CodingKeys: String, CodingKey {
            case name, labels, netns
            case hostAdd = "hostadd"
            case networks = "Networks"
        }
    }

    /// A namespace setting (`{"nsmode": "bridge"}`).
    public struct Namespace: Codable, Sendable, Equatable {
        public var mode: String
        public init(mode: String) { self.mode = mode }
        enum CodingKeys: String, CodingKey { case mode = "nsmode" }
    }

    /// Per-network options of a pod or container (none needed so far).
    public struct NetworkOptions: Codable, Sendable, Equatable {
        public init() {}
    }

    /// `POST /libpod/containers/create` (a `SpecGenerator`).
    public struct ContainerSpec: Encodable, Sendable, Equatable {
        public var name: String
        public var pod: String?
        public var image: String
        public var entrypoint: [String]?
        public var command: [String]?
        public var env: [String: String]
        public var labels: [String: String]
        public var mounts: [Mount]
        public var volumes: [NamedVolume]
        public var workDir: String?
        public var user: String?
        public var resourceLimits: ResourceLimits?
        public var healthConfig: HealthConfig?
        /// Seconds between the stop signal and SIGKILL.
        public var stopTimeout: UInt?

        public init(
            name: String, pod: String? = nil, image: String, entrypoint: [String]? = nil, command: [String]? = nil,
            env: [String: String] = [:], labels: [String: String] = [:], mounts: [Mount] = [], volumes: [NamedVolume] = [],
            workDir: String? = nil, user: String? = nil, resourceLimits: ResourceLimits? = nil, healthConfig: HealthConfig? = nil,
            stopTimeout: UInt? = nil
        ) {
            self.name = name
            self.pod = pod
            self.image = image
            self.entrypoint = entrypoint
            self.command = command
            self.env = env
            self.labels = labels
            self.mounts = mounts
            self.volumes = volumes
            self.workDir = workDir
            self.user = user
            self.resourceLimits = resourceLimits
            self.healthConfig = healthConfig
            self.stopTimeout = stopTimeout
        }

        enum CodingKeys: String, CodingKey {
            case name, pod, image, entrypoint, command, env, labels, mounts, volumes, user
            case workDir = "work_dir"
            case resourceLimits = "resource_limits"
            case healthConfig = "healthconfig"
            case stopTimeout = "stop_timeout"
        }
    }

    /// An OCI mount (bind mounts and anonymous volumes).
    public struct Mount: Codable, Sendable, Equatable {
        public var destination: String
        public var type: String
        public var source: String
        public var options: [String]

        public init(destination: String, type: String = "bind", source: String, options: [String]) {
            self.destination = destination
            self.type = type
            self.source = source
            self.options = options
        }
    }

    /// A named volume (`name:/path`), or an anonymous one when `name` is empty.
    public struct NamedVolume: Codable, Sendable, Equatable {
        public var name: String
        public var destination: String
        public var options: [String]

        public init(name: String, destination: String, options: [String] = []) {
            self.name = name
            self.destination = destination
            self.options = options
        }

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case destination = "Dest"
            case options = "Options"
        }
    }

    /// OCI `LinuxResources`, the subset behind `--cpus` and `--memory`.
    public struct ResourceLimits: Codable, Sendable, Equatable {
        /// CFS quota and period in microseconds (`--cpus 1.5` is 150000/100000).
        public struct CPU: Codable, Sendable, Equatable {
            public var quota: Int64
            public var period: UInt64
        }
        /// The memory limit in bytes.
        public struct Memory: Codable, Sendable, Equatable {
            public var limit: Int64
        }
        public var cpu: CPU?
        public var memory: Memory?

        public init(cpuQuota: Int64? = nil, cpuPeriod: UInt64 = 100_000, memoryLimit: Int64? = nil) {
            cpu = cpuQuota.map { CPU(quota: $0, period: cpuPeriod) }
            memory = memoryLimit.map { Memory(limit: $0) }
        }
    }

    /// A Docker schema 2 health check; durations in nanoseconds.
    public struct HealthConfig: Codable, Sendable, Equatable {
        public var test: [String]
        public var interval: Int64?
        public var timeout: Int64?
        public var startPeriod: Int64?
        public var retries: Int?

        public init(test: [String], interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil, retries: Int? = nil) {
            self.test = test
            self.interval = interval
            self.timeout = timeout
            self.startPeriod = startPeriod
            self.retries = retries
        }

        enum CodingKeys: String, CodingKey {
            case test = "Test"
            case interval = "Interval"
            case timeout = "Timeout"
            case startPeriod = "StartPeriod"
            case retries = "Retries"
        }
    }

    /// `POST /libpod/networks/create`.
    public struct NetworkSpec: Encodable, Sendable, Equatable {
        /// One subnet in CIDR notation.
        public struct Subnet: Encodable, Sendable, Equatable {
            public var subnet: String
        }
        public var name: String
        public var driver = "bridge"
        public var subnets: [Subnet]
        public var labels: [String: String]

        public init(name: String, subnets: [String], labels: [String: String]) {
            self.name = name
            self.subnets = subnets.map { Subnet(subnet: $0) }
            self.labels = labels
        }
    }

    /// `POST /libpod/containers/{name}/exec`.
    public struct ExecSpec: Encodable, Sendable, Equatable {
        public var command: [String]
        public var environment: [String]
        public var workingDirectory: String?
        public var user: String?
        public var attachStdout = true
        public var attachStderr = true
        public var tty = false

        public init(command: [String], environment: [String: String] = [:], workingDirectory: String? = nil, user: String? = nil) {
            self.command = command
            self.environment = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            self.workingDirectory = workingDirectory
            self.user = user
        }

        enum CodingKeys: String, CodingKey {
            case command = "Cmd"
            case environment = "Env"
            case workingDirectory = "WorkingDir"
            case user = "User"
            case attachStdout = "AttachStdout"
            case attachStderr = "AttachStderr"
            case tty = "Tty"
        }
    }

    /// `GET /libpod/exec/{id}/json`.
    public struct ExecInspect: Decodable, Sendable {
        public var running: Bool
        public var exitCode: Int32?

        enum CodingKeys: String, CodingKey {
            case running = "Running"
            case exitCode = "ExitCode"
        }
    }

    /// `GET /libpod/containers/{name}/json`.
    public struct ContainerInspect: Decodable, Sendable {
        /// Whether the container runs, how it ended, and its health.
        public struct State: Decodable, Sendable {
            public var status: String
            public var running: Bool
            public var exitCode: Int32?
            public var health: Health?

            enum CodingKeys: String, CodingKey {
                case status = "Status"
                case running = "Running"
                case exitCode = "ExitCode"
                case health = "Health"
            }
        }
        /// The health check state: `starting`, `healthy` or `unhealthy`.
        public struct Health: Decodable, Sendable {
            public var status: String
            public var failingStreak: Int?
            public var log: [HealthLogEntry]?

            enum CodingKeys: String, CodingKey {
                case status = "Status"
                case failingStreak = "FailingStreak"
                case log = "Log"
            }
        }
        /// One health check run.
        public struct HealthLogEntry: Decodable, Sendable {
            public var exitCode: Int?
            public var output: String?

            enum CodingKeys: String, CodingKey {
                case exitCode = "ExitCode"
                case output = "Output"
            }
        }
        /// The container's configuration (environment with the image's, labels).
        public struct Config: Decodable, Sendable {
            public var env: [String]?
            public var labels: [String: String]?

            enum CodingKeys: String, CodingKey {
                case env = "Env"
                case labels = "Labels"
            }
        }

        /// A mount of the container.
        public struct MountPoint: Decodable, Sendable {
            public var type: String?
            /// The volume's name (volumes only).
            public var name: String?
            public var source: String?
            public var destination: String

            enum CodingKeys: String, CodingKey {
                case type = "Type"
                case name = "Name"
                case source = "Source"
                case destination = "Destination"
            }
        }

        public var id: String
        public var name: String
        public var state: State
        public var config: Config
        public var mounts: [MountPoint]

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
            case state = "State"
            case config = "Config"
            case mounts = "Mounts"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            name = try container.decode(String.self, forKey: .name)
            state = try container.decode(State.self, forKey: .state)
            config = try container.decode(Config.self, forKey: .config)
            mounts = try container.decodeIfPresent([MountPoint].self, forKey: .mounts) ?? []
        }
    }

    /// One element of `GET /libpod/containers/json`.
    public struct ContainerSummary: Decodable, Sendable {
        public var id: String
        public var names: [String]
        public var labels: [String: String]?
        public var pod: String?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case names = "Names"
            case labels = "Labels"
            case pod = "Pod"
        }
    }

    /// One element of `GET /libpod/pods/json`.
    public struct PodSummary: Decodable, Sendable {
        public var id: String
        public var name: String
        public var labels: [String: String]?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
            case labels = "Labels"
        }
    }

    /// One element of `GET /libpod/networks/json`.
    public struct NetworkSummary: Decodable, Sendable {
        public var name: String
        public var labels: [String: String]?
        public var subnets: [Subnet]?

        /// One subnet of a network, with the gateway netavark gives the host on it.
        public struct Subnet: Decodable, Sendable {
            public var subnet: String
            public var gateway: String?
        }
    }

    /// One element of `GET /libpod/volumes/json`.
    public struct VolumeSummary: Decodable, Sendable {
        public var name: String
        public var labels: [String: String]?

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case labels = "Labels"
        }
    }

    /// The body of an API error (`{"cause": …, "message": …, "response": 404}`).
    struct ErrorBody: Decodable {
        var message: String?
        var cause: String?
    }

    /// `{"Id": …}` answers.
    struct IdentifierBody: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "Id" }
    }

    /// One object of the pull progress stream.
    struct PullProgress: Decodable {
        var error: String?
        var id: String?
    }
}
