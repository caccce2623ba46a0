/// `container:` or one entry of `services:`.
public struct ContainerSpec: Sendable, Hashable {
    /// The image (a template). With `isExpression`, the template of the whole value instead.
    public var image: String
    public var credentials: Credentials?
    /// `env:` (values are templates).
    public var env: OrderedMap<String>
    public var ports: [String]
    public var volumes: [String]
    public var options: String?
    /// `entrypoint:` (services only).
    public var entrypoint: String?
    /// `command:` (services only).
    public var command: String?
    /// True when the whole `container:` value was one `${{ }}` expression (it may evaluate to an
    /// image string or a container object).
    public var isExpression: Bool
    public var location: SourceLocation?

    public init(image: String, credentials: Credentials? = nil, env: OrderedMap<String> = OrderedMap(),
                ports: [String] = [], volumes: [String] = [], options: String? = nil,
                entrypoint: String? = nil, command: String? = nil, isExpression: Bool = false,
                location: SourceLocation? = nil) {
        self.image = image
        self.credentials = credentials
        self.env = env
        self.ports = ports
        self.volumes = volumes
        self.options = options
        self.entrypoint = entrypoint
        self.command = command
        self.isExpression = isExpression
        self.location = location
    }

    public static func == (lhs: ContainerSpec, rhs: ContainerSpec) -> Bool {
        lhs.image == rhs.image && lhs.credentials == rhs.credentials && lhs.env == rhs.env
            && lhs.ports == rhs.ports && lhs.volumes == rhs.volumes && lhs.options == rhs.options
            && lhs.entrypoint == rhs.entrypoint && lhs.command == rhs.command && lhs.isExpression == rhs.isExpression
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(image)
        hasher.combine(options)
    }
}

/// Registry credentials of a container (templates).
public struct Credentials: Sendable, Hashable {
    public var username: String?
    public var password: String?

    public init(username: String? = nil, password: String? = nil) {
        self.username = username
        self.password = password
    }
}
