import Foundation

/// A response as the tests see it.
struct HTTPResult: Sendable {
    let status: Int
    /// Header names lower-cased.
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: any Sendable] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?.mapValues { value -> any Sendable in
            switch value {
            case let number as NSNumber: return number.int64Value
            case let string as String: return string
            default: return "\(value)"
            }
        } ?? [:]
    }

    /// The error message of a JSON error body.
    var message: String? { json["message"] as? String }
}
