/// Why a `GitHTTPServer` could not start.
public struct GitHTTPServerError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
