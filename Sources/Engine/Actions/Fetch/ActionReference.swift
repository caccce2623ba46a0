import Foundation

/// A parsed `uses:` value of a step: a local action, a Docker image or a remote action.
///
/// Accepted forms:
/// - `./path` — an action in the workspace (`.local`, the path as written);
/// - `docker://image[:tag]` — a Docker image (`.docker`, without the `docker://`);
/// - `owner/repo@ref`, `owner/repo/sub/dir@ref` — resolved against `defaultBaseURL`;
/// - `https://host/owner/repo@ref`, `https://host/owner/repo/sub/dir@ref` (or `http://`) — a
///   repository on that host, as Forgejo allows.
public struct ActionReference: Sendable, Hashable, CustomStringConvertible {
    /// What a reference points at.
    public enum Kind: Sendable, Hashable {
        /// A directory relative to the workspace, as written (`./.forgejo/actions/build`).
        case local(path: String)
        /// A Docker image reference (`alpine:3.20`).
        case docker(image: String)
        /// An action in a git repository.
        case remote(RemoteAction)
    }

    /// The instance `owner/repo@ref` resolves against unless configured otherwise, as in
    /// forgejo-runner.
    public static let defaultBaseURL = "https://data.forgejo.org"

    public var kind: Kind
    /// The `uses:` value as written.
    public var uses: String

    /// Whether `uses` names an action in the workspace (`./path`).
    public static func isLocal(_ uses: String) -> Bool {
        let text = uses.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.hasPrefix("./") || text == "."
    }

    /// Parses `uses`; `defaultBaseURL` is the instance for `owner/repo@ref` (a bare host name gets
    /// `https://`).
    public init(parsing uses: String, defaultBaseURL: String = ActionReference.defaultBaseURL) throws(ActionReferenceError) {
        self.uses = uses
        let text = uses.trimmingCharacters(in: .whitespacesAndNewlines)
        func failure(_ reason: String) -> ActionReferenceError {
            ActionReferenceError(reference: text, reason: reason)
        }
        guard !text.isEmpty else { throw failure("it is empty") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw failure("it contains control characters")
        }

        if Self.isLocal(text) {
            kind = .local(path: text)
            return
        }
        if text.hasPrefix("../") || text.hasPrefix("/") {
            throw failure("a local action must start with './' (a path inside the workspace)")
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("docker://") {
            let image = String(text.dropFirst("docker://".count))
            guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
                throw failure("expected docker://image")
            }
            kind = .docker(image: image)
            return
        }
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "https" || scheme == "http" else {
                throw failure("only http:// and https:// URLs are supported, not \(scheme)://")
            }
            let afterScheme = text[schemeEnd.upperBound...]
            guard let slash = afterScheme.firstIndex(of: "/") else {
                throw failure("expected \(scheme)://host/owner/repo@ref")
            }
            let host = afterScheme[..<slash]
            guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                throw failure("expected \(scheme)://host/owner/repo@ref")
            }
            let location = String(afterScheme[afterScheme.index(after: slash)...])
            let base = "\(scheme)://\(host)"
            kind = .remote(try Self.parseRemote(location, baseURL: base, namesHost: true, failure: failure))
            return
        }
        kind = .remote(try Self.parseRemote(
            text, baseURL: Self.normalizedBaseURL(defaultBaseURL), namesHost: false, failure: failure))
    }

    /// The reference for messages: `./path`, `docker://image`, or the remote action's description
    /// (never with credentials).
    public var description: String {
        switch kind {
        case .local(let path): path
        case .docker(let image): "docker://\(image)"
        case .remote(let action): action.description
        }
    }

    /// The remote action, if this is one.
    public var remote: RemoteAction? {
        if case .remote(let action) = kind { return action }
        return nil
    }

    /// `https://` is added to a bare host name; trailing slashes are removed.
    static func normalizedBaseURL(_ url: String) -> String {
        var base = url.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        let lowered = base.lowercased()
        if !lowered.hasPrefix("http://") && !lowered.hasPrefix("https://") { base = "https://" + base }
        return base
    }

    /// `owner/repo[/path]@ref`.
    private static func parseRemote(
        _ text: String,
        baseURL: String,
        namesHost: Bool,
        failure: (String) -> ActionReferenceError
    ) throws(ActionReferenceError) -> RemoteAction {
        guard let at = text.firstIndex(of: "@") else { throw failure("expected owner/repo@ref") }
        let locator = text[..<at]
        let ref = String(text[text.index(after: at)...])
        guard !ref.isEmpty else { throw failure("expected a ref after '@' (owner/repo@ref)") }
        if let problem = refProblem(ref) { throw failure("the ref '\(ref)' \(problem)") }

        var segments = locator.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while segments.count > 2, segments.last == "" { segments.removeLast() }  // owner/repo/dir/@ref
        guard segments.count >= 2, !segments[0].isEmpty, !segments[1].isEmpty else {
            throw failure("expected owner/repo@ref")
        }
        for name in segments[0...1] where !isValidName(name) {
            throw failure("'\(name)' is not a valid owner or repository name")
        }
        let pathSegments = segments.dropFirst(2)
        for segment in pathSegments {
            if segment.isEmpty { throw failure("the path inside the repository has an empty component") }
            if segment == "." || segment == ".." {
                throw failure("the path inside the repository may not contain '.' or '..'")
            }
        }
        return RemoteAction(
            baseURL: baseURL, owner: segments[0], repo: segments[1],
            path: pathSegments.joined(separator: "/"), ref: ref, namesHost: namesHost)
    }

    private static func isValidName(_ name: String) -> Bool {
        guard name != ".", name != ".." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_" || scalar == "."
        }
    }

    /// Why `ref` is not a usable git ref name (the rules of `git check-ref-format`, plus no
    /// leading `-`), or nil.
    static func refProblem(_ ref: String) -> String? {
        if ref.hasPrefix("-") { return "may not start with '-'" }
        if ref == "@" { return "may not be '@'" }
        if ref.contains("..") { return "may not contain '..'" }
        if ref.contains("@{") { return "may not contain '@{'" }
        if ref.hasSuffix("/") || ref.hasSuffix(".") { return "may not end with '/' or '.'" }
        for scalar in ref.unicodeScalars {
            if scalar.value < 0x21 || scalar.value == 0x7f || "~^:?*[\\".unicodeScalars.contains(scalar) {
                return "may not contain spaces, control characters or any of ~ ^ : ? * [ \\"
            }
        }
        for component in ref.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { return "may not contain '//'" }
            if component.hasPrefix(".") { return "has a component starting with '.'" }
            if component.hasSuffix(".lock") { return "has a component ending with '.lock'" }
        }
        return nil
    }
}
