import Foundation

/// The type of a watch event, as the API server spells it on the wire.
public enum KubeWatchEventType: String, Sendable, Hashable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// No change: the stream has progressed to `object.metadata.resourceVersion`.
    case bookmark = "BOOKMARK"
    /// The watch failed; `object` is a Status (code 410 when the resourceVersion is too old).
    case error = "ERROR"
}

/// One line of a watch stream: `{"type": "ADDED", "object": {…}}`.
public struct KubeWatchEvent: Sendable, Hashable {
    public var type: KubeWatchEventType
    public var object: JSONValue

    public init(type: KubeWatchEventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    /// Parses one line of a watch response.
    public init(line: Data) throws {
        let value = try JSONValue(parsing: line)
        guard let typeName = value["type"]?.stringValue, let type = KubeWatchEventType(rawValue: typeName) else {
            throw KubeAPIError(statusCode: 500, reason: "InternalError",
                               message: "unexpected watch event: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        self.init(type: type, object: value["object"] ?? .null)
    }

    /// For an ERROR event, the failure it reports.
    public var error: KubeAPIError? {
        type == .error ? KubeAPIError(status: object) : nil
    }
}
