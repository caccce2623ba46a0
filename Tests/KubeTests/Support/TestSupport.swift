import Foundation
import Kube
import KubeTestDouble
import Logging
import Synchronization
import Testing

/// A retry policy fast enough for tests.
let fastRetry = KubeRetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))

/// Runs `body` with a fresh double and a client for it; both are stopped afterwards.
func withDouble<T>(
    host: String = "127.0.0.1",
    options: KubeDoubleOptions = KubeDoubleOptions(),
    retry: KubeRetryPolicy = fastRetry,
    _ body: (KubeDouble, KubeClient) async throws -> T
) async throws -> T {
    let double = try await KubeDouble.start(host: host, options: options)
    let client: KubeClient
    do {
        client = try KubeClient(configuration: double.configuration, retry: retry, logger: Logger(label: "kube-tests"))
    } catch {
        await double.stop()
        throw error
    }
    do {
        let result = try await body(double, client)
        await client.shutdown()
        await double.stop()
        return result
    } catch {
        await client.shutdown()
        await double.stop()
        throw error
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Waits, at most `timeout`, until `condition` holds (checked every 20 ms).
func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A pod manifest with one container.
func podManifest(_ name: String, labels: [String: String] = [:], extra: JSONValue = [:]) -> JSONValue {
    let base: JSONValue = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": .string(name), "labels": .object(labels.mapValues { .string($0) })],
        "spec": ["containers": [["name": "main", "image": "busybox"]]],
    ]
    return base.merging(patch: extra)
}

/// Collects informer events for assertions.
final class EventLog: Sendable {
    private let events = Mutex<[KubeInformerEvent]>([])

    func append(_ event: KubeInformerEvent) { events.withLock { $0.append(event) } }

    var all: [KubeInformerEvent] { events.withLock { $0 } }

    func contains(_ predicate: (KubeInformerEvent) -> Bool) -> Bool { all.contains(where: predicate) }
}

extension KubeInformerEvent {
    var name: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object.objectName
        case .synced: return nil
        }
    }

    var isAdded: Bool { if case .added = self { return true } else { return false } }
    var isModified: Bool { if case .modified = self { return true } else { return false } }
    var isDeleted: Bool { if case .deleted = self { return true } else { return false } }
    var isSynced: Bool { if case .synced = self { return true } else { return false } }
}

/// A scratch directory removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kube-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
