import Foundation
import NIOCore

extension KubeClient {
    /// Watches a collection: the events after `resourceVersion` (with none given, the server starts
    /// with ADDED for every existing object), until the server ends the stream (`timeoutSeconds`,
    /// a restart) or the consumer stops iterating. A resourceVersion the server no longer keeps
    /// arrives as an ERROR event with code 410 (see `KubeWatchEvent.error`), or as a thrown
    /// `KubeAPIError` with `isGone` from servers that refuse the request outright.
    public func watch(
        _ resource: KubeResource,
        namespace: String?,
        labelSelector: String? = nil,
        resourceVersion: String? = nil,
        allowBookmarks: Bool = true,
        timeoutSeconds: Int? = nil
    ) -> AsyncThrowingStream<KubeWatchEvent, any Error> {
        var query: [(String, String)] = [("watch", "true")]
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        let request = KubeRequest(verb: .watch, method: .GET, path: resource.path(namespace: resource.namespaced ? namespace : nil, name: nil),
                                  query: query, body: nil, contentType: "application/json")
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await self.open(request)
                    var splitter = KubeLineSplitter()
                    for try await chunk in response.body {
                        for line in splitter.append(chunk) {
                            continuation.yield(try KubeWatchEvent(line: line))
                        }
                    }
                    if let last = splitter.finish() { continuation.yield(try KubeWatchEvent(line: last)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
