/// A step that runs in a container of its own beside the job's (a Docker action): the workspace
/// and `RUNNER_TEMP` are mounted at the same paths as in the job container, and it shares the
/// job's network, so services answer on the same names.
public struct ContainerStep: Sendable, Equatable {
    /// The image to run (pulled when missing, by the environment's pull policy).
    public var image: String
    /// Replaces the image's `ENTRYPOINT` (one program); nil keeps the image's own.
    public var entrypoint: String?
    /// The command after the entrypoint (the image's `CMD` when empty and no entrypoint is given).
    public var arguments: [String]
    /// Variables on top of the image's own environment.
    public var environment: [String: String]
    public var workingDirectory: String

    public init(image: String, entrypoint: String? = nil, arguments: [String] = [], environment: [String: String], workingDirectory: String) {
        self.image = image
        self.entrypoint = entrypoint
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// An image built from a Dockerfile action's directory.
public struct ImageBuild: Sendable, Equatable {
    /// The build context, as Hearth opens it.
    public var contextDirectory: String
    /// The Dockerfile's path relative to the context.
    public var dockerfile: String
    /// The name the image gets (`localhost/…`).
    public var tag: String
    /// Build even when an image with this tag exists (`container.force_rebuild`).
    public var forceRebuild: Bool

    public init(contextDirectory: String, dockerfile: String, tag: String, forceRebuild: Bool = false) {
        self.contextDirectory = contextDirectory
        self.dockerfile = dockerfile
        self.tag = tag
        self.forceRebuild = forceRebuild
    }
}
