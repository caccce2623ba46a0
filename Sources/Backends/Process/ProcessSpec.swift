/// What to start: a program, its arguments, its whole environment and where it runs.
public struct ProcessSpec: Sendable, Hashable {
    /// A program name looked up in the environment's `PATH`, or a path.
    public var executable: String
    public var arguments: [String]
    /// The complete environment of the process (nothing is inherited implicitly).
    public var environment: [String: String]
    public var workingDirectory: String

    public init(executable: String, arguments: [String] = [], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// How a process ended.
public struct ProcessOutcome: Sendable, Hashable {
    /// The exit code, or 128 + signal number when the process was killed by a signal.
    public var exitCode: Int32
    /// True when Hearth stopped the process (cancellation or timeout) rather than it ending by itself.
    public var wasTerminated: Bool

    public init(exitCode: Int32, wasTerminated: Bool = false) {
        self.exitCode = exitCode
        self.wasTerminated = wasTerminated
    }
}

/// Why a process could not be started.
public struct ProcessLaunchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
