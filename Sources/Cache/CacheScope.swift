/// Whose entries a request may see and where its writes land: a repository, and optionally a
/// write-isolation ref (for untrusted events such as pull requests from forks).
///
/// An entry saved under a ref is visible only to tokens carrying the same ref; an entry saved
/// without one is visible to every token of its repository. Lookups prefer the token's own ref.
struct CacheScope: Sendable, Hashable, Codable {
    /// `owner/name`, compared case-insensitively (stored lower-cased).
    let repository: String
    /// The isolation ref (`refs/pull/7/head`), or nil for trusted, shared writes.
    let ref: String?

    init(repository: String, ref: String?) {
        self.repository = repository.lowercased()
        self.ref = (ref?.isEmpty ?? true) ? nil : ref
    }

    /// Whether an entry written under `entryScope` may be read with this scope.
    func canRead(_ entryScope: CacheScope) -> Bool {
        entryScope.repository == repository && (entryScope.ref == nil || entryScope.ref == ref)
    }
}
