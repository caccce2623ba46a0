/// An action's metadata file (`action.yml` / `action.yaml`): what it is called, the inputs it
/// takes, the outputs it sets, and how it runs.
public struct ActionManifest: Sendable {
    /// The path of the metadata file, as given to the reader.
    public var file: String
    public var name: String?
    public var description: String?
    public var author: String?
    /// `inputs:` in file order (lookups are case-insensitive; GitHub lower-cases input ids at runtime).
    public var inputs: OrderedMap<ActionInput>
    /// `outputs:` in file order.
    public var outputs: OrderedMap<ActionOutput>
    public var runs: ActionRuns

    public init(file: String, name: String? = nil, description: String? = nil, author: String? = nil,
                inputs: OrderedMap<ActionInput> = OrderedMap(), outputs: OrderedMap<ActionOutput> = OrderedMap(),
                runs: ActionRuns) {
        self.file = file
        self.name = name
        self.description = description
        self.author = author
        self.inputs = inputs
        self.outputs = outputs
        self.runs = runs
    }
}

/// One entry of an action's `inputs:`.
public struct ActionInput: Sendable, Equatable {
    public var description: String?
    /// `required:` (`true`, or the string `"true"` in any case); false when absent. GitHub does not
    /// enforce it; it only documents the input.
    public var required: Bool
    /// `default:` as written: a template that may contain `${{ }}` (evaluated with the `github`,
    /// `strategy`, `matrix`, `job` and `runner` contexts and `hashFiles`). Numbers and booleans
    /// are kept in GitHub's string form (`3`, `true`); an empty `default:` is `""`.
    public var defaultValue: String?
    /// `deprecationMessage:`, shown when a workflow passes the input.
    public var deprecationMessage: String?

    public init(description: String? = nil, required: Bool = false, defaultValue: String? = nil,
                deprecationMessage: String? = nil) {
        self.description = description
        self.required = required
        self.defaultValue = defaultValue
        self.deprecationMessage = deprecationMessage
    }
}

/// One entry of an action's `outputs:`.
public struct ActionOutput: Sendable, Equatable {
    public var description: String?
    /// `value:` as written (composite actions): a template, usually `${{ steps.<id>.outputs.<name> }}`.
    /// Node and Docker actions set outputs from their process instead and have no value.
    public var value: String?

    public init(description: String? = nil, value: String? = nil) {
        self.description = description
        self.value = value
    }
}

/// How an action runs (`runs:`).
public enum ActionRuns: Sendable {
    /// `using: composite`: the steps, read like a workflow job's steps (ids generated and checked
    /// the same way; every `run` step has a `shell`).
    case composite(steps: [Step])
    /// `using: node12 | node16 | node20 | node24`.
    case node(NodeRuns)
    /// `using: docker`.
    case docker(DockerRuns)

    /// The `using:` value (lower-cased): `composite`, `node20`, `docker`, ...
    public var using: String {
        switch self {
        case .composite: return "composite"
        case .node(let node): return node.using
        case .docker: return "docker"
        }
    }
}

/// `runs:` of a JavaScript action.
public struct NodeRuns: Sendable, Equatable {
    /// `node12`, `node16`, `node20` or `node24`, lower-cased.
    public var using: String
    /// The script to run, relative to the action's directory.
    public var main: String
    /// A script to run at the start of the job.
    public var pre: String?
    /// The condition of `pre` as written (a bare expression such as `runner.os == 'Linux'`, or
    /// `${{ }}`); nil when absent, which GitHub treats as `always()`.
    public var preIf: String?
    /// A script to run at the end of the job.
    public var post: String?
    /// The condition of `post` as written; nil when absent (GitHub: `always()`).
    public var postIf: String?

    public init(using: String, main: String, pre: String? = nil, preIf: String? = nil, post: String? = nil,
                postIf: String? = nil) {
        self.using = using
        self.main = main
        self.pre = pre
        self.preIf = preIf
        self.post = post
        self.postIf = postIf
    }
}

/// `runs:` of a Docker container action.
public struct DockerRuns: Sendable, Equatable {
    /// `Dockerfile`, a path to a Dockerfile relative to the action's directory, or
    /// `docker://image:tag` for a published image.
    public var image: String
    /// `env:` (values are templates that may use the `inputs` context).
    public var env: OrderedMap<String>
    /// Overrides the image's `ENTRYPOINT`.
    public var entrypoint: String?
    /// Arguments passed to the entrypoint (templates that may use the `inputs` context).
    public var args: [String]
    public var preEntrypoint: String?
    /// The condition of `pre-entrypoint` as written; nil when absent (GitHub: `always()`).
    public var preIf: String?
    public var postEntrypoint: String?
    /// The condition of `post-entrypoint` as written; nil when absent (GitHub: `always()`).
    public var postIf: String?

    public init(image: String, env: OrderedMap<String> = OrderedMap(), entrypoint: String? = nil, args: [String] = [],
                preEntrypoint: String? = nil, preIf: String? = nil, postEntrypoint: String? = nil,
                postIf: String? = nil) {
        self.image = image
        self.env = env
        self.entrypoint = entrypoint
        self.args = args
        self.preEntrypoint = preEntrypoint
        self.preIf = preIf
        self.postEntrypoint = postEntrypoint
        self.postIf = postIf
    }

    /// True when `image` names a published image (`docker://...`) rather than a Dockerfile to build.
    public var isPrebuiltImage: Bool { image.hasPrefix("docker://") }
}
