/// A `uses:` value that is not a valid action reference.
///
/// The message quotes the reference with any credentials in its URL masked (`***@`), e.g.
/// `'actions/checkout' is not a valid action reference: expected owner/repo@ref`.
public struct ActionReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reference as written, credentials masked.
    public var reference: String
    /// What is wrong with it.
    public var reason: String

    public init(reference: String, reason: String) {
        self.reference = ActionURL.maskingCredentials(in: reference)
        self.reason = reason
    }

    public var description: String {
        "'\(reference)' is not a valid action reference: \(reason)"
    }
}
