import Foundation
import Kube

/// One change in the store's history.
struct HistoryEntry: Sendable {
    var revision: Int
    var type: KubeWatchEventType
    var key: ObjectKey
    var object: JSONValue
    var previous: JSONValue?
}

/// An open watch: what it selects, and the stream its HTTP response writes from.
struct Watcher: Sendable {
    var resource: String
    var namespace: String?
    var labels: KubeLabelSelector?
    var fields: FieldSelector?
    var bookmarks: Bool
    var kind: String
    var apiVersion: String
    var continuation: AsyncStream<[UInt8]>.Continuation

    func selects(_ object: JSONValue) -> Bool {
        (labels?.matches(object.objectLabels) ?? true) && (fields?.matches(object) ?? true)
    }

    /// The event this watcher sees for a change, as the API server's watch cache computes it: an
    /// object that starts matching the selector arrives as ADDED, one that stops as DELETED.
    func event(for entry: HistoryEntry) -> KubeWatchEvent? {
        guard entry.key.resource == resource, namespace == nil || entry.key.namespace == namespace else { return nil }
        let now = selects(entry.object)
        switch entry.type {
        case .modified:
            let before = entry.previous.map(selects) ?? false
            if now && before { return KubeWatchEvent(type: .modified, object: entry.object) }
            if now { return KubeWatchEvent(type: .added, object: entry.object) }
            if before { return KubeWatchEvent(type: .deleted, object: entry.object) }
            return nil
        default:
            return now ? KubeWatchEvent(type: entry.type, object: entry.object) : nil
        }
    }
}

/// Something a watch stream was asked to open on.
enum WatchOpening: Sendable {
    case stream(id: Int, events: AsyncStream<[UInt8]>)
    case expired(id: Int, events: AsyncStream<[UInt8]>)
}

extension ObjectStore {
    /// Appends a change to the history (dropping the oldest beyond the limit) and sends it to
    /// every watcher that selects it.
    func record(_ type: KubeWatchEventType, key: ObjectKey, object: JSONValue, previous: JSONValue?) {
        let entry = HistoryEntry(revision: Int(object.objectResourceVersion ?? "") ?? revision, type: type, key: key,
                                 object: object, previous: previous)
        history.append(entry)
        if history.count > options.historyLimit {
            let dropped = history.count - options.historyLimit
            compactedRevision = history[dropped - 1].revision
            history.removeFirst(dropped)
        }
        for watcher in watchers.values {
            if let event = watcher.event(for: entry) { watcher.continuation.yield(Self.line(event)) }
        }
    }

    static func line(_ event: KubeWatchEvent) -> [UInt8] {
        let json: JSONValue = ["type": .string(event.type.rawValue), "object": event.object]
        return Array(json.jsonData()) + [UInt8(ascii: "\n")]
    }

    /// Opens a watch. Without a resourceVersion (or with "0") it starts with ADDED for every
    /// selected object; otherwise it replays the history after that version, or, when the
    /// history no longer reaches back that far, sends one ERROR 410 Expired event and ends.
    func openWatch(_ resource: ServedResource, namespace: String?, labels: KubeLabelSelector?, fields: FieldSelector?,
                   resourceVersion: String?, bookmarks: Bool) throws(APIStatus) -> WatchOpening {
        var start: Int?
        if let resourceVersion, !resourceVersion.isEmpty, resourceVersion != "0" {
            guard let requested = Int(resourceVersion) else { throw APIStatus.badRequest("invalid resource version: \(resourceVersion)") }
            start = requested
        }
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        nextWatcherID += 1
        let id = nextWatcherID
        if stopping {
            continuation.finish()
            return .stream(id: id, events: stream)
        }
        if let start, start < compactedRevision {
            let status = APIStatus.expired("too old resource version: \(start) (\(compactedRevision))")
            continuation.yield(Self.line(KubeWatchEvent(type: .error, object: status.json)))
            continuation.finish()
            return .expired(id: id, events: stream)
        }
        let watcher = Watcher(resource: resource.qualifiedName, namespace: resource.resource.namespaced ? namespace : nil,
                              labels: labels, fields: fields, bookmarks: bookmarks, kind: resource.resource.kind,
                              apiVersion: resource.resource.apiVersion, continuation: continuation)
        if let start {
            for entry in history where entry.revision > start {
                if let event = watcher.event(for: entry) { continuation.yield(Self.line(event)) }
            }
        } else {
            for object in select(resource, namespace: watcher.namespace, labels: labels, fields: fields) {
                continuation.yield(Self.line(KubeWatchEvent(type: .added, object: object)))
            }
        }
        watchers[id] = watcher
        maxConcurrentWatchers = max(maxConcurrentWatchers, watchers.count)
        return .stream(id: id, events: stream)
    }

    /// Sends a BOOKMARK at the current revision to a watcher that asked for bookmarks.
    func bookmark(_ id: Int) {
        guard let watcher = watchers[id], watcher.bookmarks else { return }
        let object: JSONValue = ["kind": .string(watcher.kind), "apiVersion": .string(watcher.apiVersion),
                                 "metadata": ["resourceVersion": .string(String(revision))]]
        watcher.continuation.yield(Self.line(KubeWatchEvent(type: .bookmark, object: object)))
    }

    /// Ends a watch stream (timeout, the client going away, or a fault).
    func closeWatch(_ id: Int) {
        watchers.removeValue(forKey: id)?.continuation.finish()
    }

    /// Ends every watch; with `stopping`, also every later one (the double is shutting down).
    func closeAllWatches(stopping: Bool = false) {
        if stopping { self.stopping = true }
        let open = watchers
        watchers = [:]
        for watcher in open.values { watcher.continuation.finish() }
    }

    /// Forgets the whole history: a watch or list from any earlier resourceVersion gets 410.
    func compact() {
        history = []
        compactedRevision = revision
    }

    var openWatchCount: Int { watchers.count }

    func resetWatchHighWater() {
        maxConcurrentWatchers = watchers.count
    }
}
