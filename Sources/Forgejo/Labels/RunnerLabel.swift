import Foundation

/// One runner label, `name[:scheme[:argument]]`: the name is what the server matches against a
/// job's `runs-on`; the scheme says how this runner executes such jobs.
///
/// Parsing follows forgejo-runner: the string is split on the first two `:`; the scheme defaults
/// to `docker`; `docker` takes `//<image>` (default `node:22-bookworm`), `lxc` takes
/// `//<distribution>:<release>[:<capabilities>]` (default `debian:bookworm`), `host` takes no
/// argument. Only ``name`` is ever sent to the server.
public struct RunnerLabel: Sendable, Hashable, CustomStringConvertible {
    /// How jobs for this label are run.
    public enum Scheme: Sendable, Hashable {
        /// In a container of the given image (Docker/Podman), e.g. `node:22-bookworm`.
        case docker(image: String)
        /// Directly on the runner host.
        case host
        /// In an LXC container, `<distribution>:<release>[:<capabilities>]`.
        case lxc(String)

        /// `docker`, `host` or `lxc`.
        public var name: String {
            switch self {
            case .docker: "docker"
            case .host: "host"
            case .lxc: "lxc"
            }
        }
    }

    /// Image used for `docker` labels without an argument.
    public static let defaultDockerImage = "node:22-bookworm"
    /// Template used for `lxc` labels without an argument.
    public static let defaultLXCTemplate = "debian:bookworm"
    /// Labels `register` uses when none are given (forgejo-runner's default).
    public static let registrationDefaults = ["docker:docker://data.forgejo.org/oci/node:20-bullseye"]

    /// The label name matched against `runs-on`.
    public var name: String
    /// The execution scheme.
    public var scheme: Scheme

    /// Creates a label.
    public init(name: String, scheme: Scheme) {
        self.name = name
        self.scheme = scheme
    }

    /// Parses `name[:scheme[:argument]]`.
    /// - Throws: ``LabelError`` naming the label and the problem.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        guard !name.isEmpty else { throw LabelError(label: text, problem: "the name is empty") }
        guard name.trimmingCharacters(in: .whitespacesAndNewlines) == name else {
            throw LabelError(label: text, problem: "the name must not start or end with whitespace")
        }
        let schemeName = parts.count > 1 ? parts[1] : "docker"
        let argument = parts.count > 2 ? parts[2] : ""
        let stripped = argument.hasPrefix("//") ? String(argument.dropFirst(2)) : argument
        switch schemeName {
        case "docker":
            scheme = .docker(image: stripped.isEmpty ? Self.defaultDockerImage : stripped)
        case "lxc":
            scheme = .lxc(stripped.isEmpty ? Self.defaultLXCTemplate : stripped)
        case "host":
            guard parts.count < 3 else {
                throw LabelError(label: text, problem: "the host scheme takes no argument (write \(name):host)")
            }
            scheme = .host
        default:
            throw LabelError(label: text, problem: "unsupported scheme \"\(schemeName)\" (use docker, host or lxc)")
        }
        self.name = name
    }

    /// The full label string, e.g. `ubuntu-latest:docker://node:22-bookworm`, `linux:host`,
    /// `debian:lxc://debian:bookworm`. Parsing it gives back an equal label.
    public var description: String {
        switch scheme {
        case .docker(let image): "\(name):docker://\(image)"
        case .host: "\(name):host"
        case .lxc(let template): "\(name):lxc://\(template)"
        }
    }

    // MARK: - Lists

    /// Parses every label; invalid ones are returned separately (forgejo-runner skips them with a
    /// warning at daemon start).
    public static func parseAll(_ texts: [String]) -> (labels: [RunnerLabel], errors: [LabelError]) {
        var labels: [RunnerLabel] = []
        var errors: [LabelError] = []
        for text in texts {
            do { labels.append(try RunnerLabel(parsing: text)) } catch let error as LabelError { errors.append(error) } catch {}
        }
        return (labels, errors)
    }

    /// The names to send in Register/Declare, in order, without duplicates.
    public static func names(of labels: [RunnerLabel]) -> [String] {
        var seen = Set<String>()
        return labels.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The label that decides how to run a job: the first `runs-on` entry that names one of
    /// `labels` (the first label with that name wins). Nil when none matches — forgejo-runner then
    /// falls back to a `docker` container of ``defaultDockerImage``.
    public static func pick(for runsOn: [String], from labels: [RunnerLabel]) -> RunnerLabel? {
        for wanted in runsOn {
            if let label = labels.first(where: { $0.name == wanted }) { return label }
        }
        return nil
    }

    /// The server's eligibility rule: every `runs-on` entry is one of the label names. An empty
    /// `runs-on` or an empty label set never matches. Names are case-sensitive.
    public static func matches(runsOn: [String], labels: [RunnerLabel]) -> Bool {
        guard !runsOn.isEmpty, !labels.isEmpty else { return false }
        let names = Set(labels.map(\.name))
        return runsOn.allSatisfy(names.contains)
    }
}
