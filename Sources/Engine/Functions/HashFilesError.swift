/// Why `hashFiles` failed (an invalid pattern or an unreadable file).
///
/// GitHub reports such failures as `hashFiles('<patterns>') failed. <message>` and fails the step
/// whose expression called it.
public struct HashFilesError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
