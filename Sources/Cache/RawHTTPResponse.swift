/// A response read off a ``BlockingSocket``: status, headers and (unless streamed elsewhere) body.
struct RawHTTPResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header called `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}
