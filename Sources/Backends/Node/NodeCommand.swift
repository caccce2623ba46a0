/// How a JavaScript action's `node` starts where the job's steps run.
public struct NodeCommand: Sendable, Hashable {
    /// The program to start, as steps see it.
    public var executable: String
    /// Arguments before the script (the loader's options when node is injected).
    public var leadingArguments: [String]
    /// Node's major version (20 for v20.20.2); 0 when it could not be learned.
    public var major: Int
    /// Where node came from, for messages: its path, or "injected from the runner".
    public var origin: String

    public init(executable: String, leadingArguments: [String] = [], major: Int, origin: String) {
        self.executable = executable
        self.leadingArguments = leadingArguments
        self.major = major
        self.origin = origin
    }
}
