import Engine
import Foundation
import Testing

@Suite struct ActionReferenceTests {
    private func remote(_ uses: String, base: String = ActionReference.defaultBaseURL) throws -> RemoteAction {
        let reference = try ActionReference(parsing: uses, defaultBaseURL: base)
        return try #require(reference.remote, "\(uses) should be remote")
    }

    private func error(_ uses: String) -> ActionReferenceError? {
        do {
            _ = try ActionReference(parsing: uses)
            return nil
        } catch {
            return error
        }
    }

    @Test func localPaths() throws {
        #expect(try ActionReference(parsing: "./.forgejo/actions/build").kind == .local(path: "./.forgejo/actions/build"))
        #expect(try ActionReference(parsing: "./").kind == .local(path: "./"))
        #expect(try ActionReference(parsing: ".").kind == .local(path: "."))
        #expect(try ActionReference(parsing: "./x").description == "./x")
        #expect(try ActionReference(parsing: "./x").remote == nil)
    }

    @Test func dockerImages() throws {
        #expect(try ActionReference(parsing: "docker://alpine:3.20").kind == .docker(image: "alpine:3.20"))
        #expect(try ActionReference(parsing: "docker://ghcr.io/o/i@sha256:abc").kind == .docker(image: "ghcr.io/o/i@sha256:abc"))
        #expect(try ActionReference(parsing: "docker://alpine").description == "docker://alpine")
    }

    @Test func ownerRepoAtRefUsesTheDefaultInstance() throws {
        let action = try remote("actions/checkout@v4")
        #expect(action.owner == "actions")
        #expect(action.repo == "checkout")
        #expect(action.path == "")
        #expect(action.ref == "v4")
        #expect(action.cloneURL == "https://data.forgejo.org/actions/checkout")
        #expect(action.repositoryURL == "https://data.forgejo.org/actions/checkout")
        #expect(action.repository == "actions/checkout")
        #expect(!action.namesHost)
        #expect(action.description == "actions/checkout@v4")
        #expect(!action.refIsCommit)
    }

    @Test func subDirectory() throws {
        let action = try remote("owner/repo/sub/dir@main")
        #expect(action.path == "sub/dir")
        #expect(action.cloneURL == "https://data.forgejo.org/owner/repo")
        #expect(action.description == "owner/repo/sub/dir@main")
        #expect(try remote("owner/repo/sub/@main").path == "sub")
        #expect(try remote("owner/repo/@main").path == "")
    }

    @Test func configurableDefaultInstance() throws {
        #expect(try remote("o/r@v1", base: "http://127.0.0.1:3000/").cloneURL == "http://127.0.0.1:3000/o/r")
        #expect(try remote("o/r@v1", base: "code.forgejo.org").cloneURL == "https://code.forgejo.org/o/r")
        #expect(try remote("o/r@v1", base: "https://git.example.com/forgejo").cloneURL == "https://git.example.com/forgejo/o/r")
    }

    @Test func fullURLs() throws {
        let action = try remote("https://code.forgejo.org/actions/setup-node@v4")
        #expect(action.cloneURL == "https://code.forgejo.org/actions/setup-node")
        #expect(action.owner == "actions")
        #expect(action.repo == "setup-node")
        #expect(action.ref == "v4")
        #expect(action.namesHost)
        #expect(action.description == "https://code.forgejo.org/actions/setup-node@v4")

        let nested = try remote("http://git.local:3000/owner/repo/sub/dir@release/v1")
        #expect(nested.cloneURL == "http://git.local:3000/owner/repo")
        #expect(nested.path == "sub/dir")
        #expect(nested.ref == "release/v1")
        #expect(nested.description == "http://git.local:3000/owner/repo/sub/dir@release/v1")

        #expect(try remote("HTTPS://Host/o/r@v1").cloneURL == "https://Host/o/r")
    }

    @Test func commitShaRefs() throws {
        let sha = "0123456789abcdef0123456789abcdef01234567"
        #expect(try remote("o/r@\(sha)").refIsCommit)
        #expect(try remote("o/r@\(sha.uppercased())").refIsCommit)
        #expect(try !remote("o/r@0123456").refIsCommit)
        #expect(try remote("o/r@refs/heads/main").ref == "refs/heads/main")
        #expect(try remote("o/r@feature@2").ref == "feature@2")
    }

    @Test func credentialsInTheURLStayOutOfMessages() throws {
        let action = try remote("https://user:s3cr3t@git.example.com/o/r@v1")
        #expect(action.cloneURL == "https://user:s3cr3t@git.example.com/o/r")
        #expect(action.repositoryURL == "https://git.example.com/o/r")
        #expect(action.description == "https://git.example.com/o/r@v1")
        let failure = try #require(error("https://user:s3cr3t@git.example.com/o/r"))
        #expect(!failure.description.contains("s3cr3t"))
        #expect(failure.description == "'https://***@git.example.com/o/r' is not a valid action reference: expected owner/repo@ref")
    }

    @Test func missingRef() {
        #expect(error("actions/checkout")?.description == "'actions/checkout' is not a valid action reference: expected owner/repo@ref")
        #expect(error("actions/checkout@")?.description == "'actions/checkout@' is not a valid action reference: expected a ref after '@' (owner/repo@ref)")
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("checkout@v4", "expected owner/repo@ref"),
        ("/checkout@v4", "a local action must start with './' (a path inside the workspace)"),
        ("../x", "a local action must start with './' (a path inside the workspace)"),
        ("docker://", "expected docker://image"),
        ("ssh://git@host/o/r@v1", "only http:// and https:// URLs are supported, not ssh://"),
        ("https://host@v1", "expected https://host/owner/repo@ref"),
        ("https://host/o@v1", "expected owner/repo@ref"),
        ("o//r@v1", "expected owner/repo@ref"),
        ("o/r//x@v1", "the path inside the repository has an empty component"),
        ("o/r/../x@v1", "the path inside the repository may not contain '.' or '..'"),
        ("o w/r@v1", "'o w' is not a valid owner or repository name"),
        ("o/r@-upload-pack=evil", "the ref '-upload-pack=evil' may not start with '-'"),
        ("o/r@a..b", "the ref 'a..b' may not contain '..'"),
        ("o/r@v1:x", "the ref 'v1:x' may not contain spaces, control characters or any of ~ ^ : ? * [ \\"),
        ("o/r@v 1", "the ref 'v 1' may not contain spaces, control characters or any of ~ ^ : ? * [ \\"),
        ("o/r@.hidden", "the ref '.hidden' has a component starting with '.'"),
    ])
    func invalidReferences(uses: String, reason: String) throws {
        let failure = try #require(error(uses))
        #expect(failure.reason == reason)
        let quoted = uses.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "git@", with: "***@").replacingOccurrences(of: "host@", with: "***@")
        #expect(failure.description == "'\(quoted)' is not a valid action reference: \(reason)")
    }
}
