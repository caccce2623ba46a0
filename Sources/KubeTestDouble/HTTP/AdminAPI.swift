import Foundation
import HTTPTypes
import Hummingbird
import Kube
import NIOCore

/// `/_double/…`: faults and inspection over HTTP, for the `hearth-kube-double` executable.
///
/// - `POST /_double/faults` `{"method":"POST","pathPrefix":"/api/v1","watch":false,"status":429,"retryAfterSeconds":1,"count":2}`
/// - `DELETE /_double/faults`: clear them
/// - `POST /_double/close-watches`, `POST /_double/compact`
/// - `GET /_double/stats`: request counts by "verb resource", open watches, resourceVersion
/// - `POST /_double/pods/NS/NAME/run`: start a pending pod
/// - `POST /_double/pods/NS/NAME/containers/C` `{"state":"terminated","exitCode":1,"reason":"Error"}` or
///   `{"state":"waiting","reason":"ImagePullBackOff"}` or `{"state":"running"}`
struct AdminAPI {
    let store: ObjectStore
    let monitor: RequestMonitor

    func respond(_ request: Request, path: String) async -> Response {
        let segments = path.split(separator: "/").map(String.init).dropFirst()  // drop "_double"
        var request = request
        let body = (try? await request.collectBody(upTo: 1024 * 1024)).flatMap { try? JSONValue(parsing: Data($0.readableBytesView)) } ?? [:]
        switch (request.method, Array(segments)) {
        case (.post, ["faults"]):
            guard let status = body["status"]?.intValue else { return KubeDoubleResponder.json(400, ["error": "status is required"]) }
            let fault = KubeDoubleFault(method: body["method"]?.stringValue, pathPrefix: body["pathPrefix"]?.stringValue ?? "/",
                                        watch: body["watch"]?.boolValue, status: status,
                                        retryAfterSeconds: body["retryAfterSeconds"]?.intValue, count: body["count"]?.intValue ?? 1)
            monitor.state.withLock { $0.faults.append(fault) }
            return KubeDoubleResponder.json(200, ["ok": true])
        case (.delete, ["faults"]):
            monitor.state.withLock { $0.faults = [] }
            return KubeDoubleResponder.json(200, ["ok": true])
        case (.post, ["close-watches"]):
            await store.closeAllWatches()
            return KubeDoubleResponder.json(200, ["ok": true])
        case (.post, ["compact"]):
            await store.compact()
            return KubeDoubleResponder.json(200, ["ok": true])
        case (.get, ["stats"]):
            let counts = monitor.state.withLock { $0.counts }
            return KubeDoubleResponder.json(200, [
                "requests": .object(counts.mapValues { .number(Double($0)) }),
                "openWatches": .number(Double(await store.openWatchCount)),
                "maxConcurrentWatches": .number(Double(await store.maxConcurrentWatchers)),
                "resourceVersion": .string(String(await store.revision)),
            ])
        case (.post, let parts) where parts.count == 4 && parts[0] == "pods" && parts[3] == "run":
            let key = ObjectKey(.pods, namespace: parts[1], name: parts[2])
            guard let pod = await store.startPod(key) else { return KubeDoubleResponder.json(404, ["error": "no such pod"]) }
            return KubeDoubleResponder.json(200, pod)
        case (.post, let parts) where parts.count == 5 && parts[0] == "pods" && parts[3] == "containers":
            let state: KubeDoubleContainerState
            switch body["state"]?.stringValue {
            case "running": state = .running
            case "waiting": state = .waiting(reason: body["reason"]?.stringValue ?? "ContainerCreating", message: body["message"]?.stringValue)
            case "terminated":
                state = .terminated(exitCode: body["exitCode"]?.intValue ?? 0, reason: body["reason"]?.stringValue, message: body["message"]?.stringValue)
            default: return KubeDoubleResponder.json(400, ["error": "state must be running, waiting or terminated"])
            }
            let key = ObjectKey(.pods, namespace: parts[1], name: parts[2])
            guard let pod = await store.setContainerState(key, container: parts[4], state: state) else {
                return KubeDoubleResponder.json(404, ["error": "no such pod"])
            }
            return KubeDoubleResponder.json(200, pod)
        default:
            return KubeDoubleResponder.json(404, ["error": "unknown admin path"])
        }
    }
}
