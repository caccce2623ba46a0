/// A git command run by `GitFixture` failed.
public struct GitFixtureError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
