import Foundation
import NIOHTTP1

/// One API request before it is sent: verb (for the counters), method, path, query, body.
struct KubeRequest: Sendable {
    var verb: KubeVerb
    var method: HTTPMethod
    var path: String
    var query: [(String, String)]
    var body: Data?
    var contentType: String

    func url(base: String) -> String {
        guard !query.isEmpty else { return base + path }
        let encoded = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return base + path + "?" + encoded
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
