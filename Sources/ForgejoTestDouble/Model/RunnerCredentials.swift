/// What a runner needs to authenticate: the pair sent as `x-runner-uuid` / `x-runner-token`.
public struct RunnerCredentials: Sendable, Hashable, Codable {
    /// The runner's database id.
    public var id: Int64
    public var uuid: String
    /// The 40-hex runner token.
    public var token: String

    public init(id: Int64, uuid: String, token: String) {
        self.id = id
        self.uuid = uuid
        self.token = token
    }
}
