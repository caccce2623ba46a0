import Kube

/// The defaults the real API server fills in on create, for the fields clients commonly read.
enum Defaults {
    static func apply(_ resource: ServedResource, to object: inout JSONValue) {
        switch resource.resource {
        case .pods:
            var spec = object["spec"] ?? [:]
            if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
            if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
            if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
            if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
            object["spec"] = spec
            object["status"] = ["phase": "Pending", "qosClass": "BestEffort"]
        case .namespaces:
            var labels = object[path: "metadata", "labels"] ?? [:]
            labels["kubernetes.io/metadata.name"] = object[path: "metadata", "name"]
            object["metadata"]?["labels"] = labels
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
        case .secrets:
            if object["type"] == nil { object["type"] = "Opaque" }
            Self.foldStringData(&object)
        default:
            break
        }
    }

    /// A Secret's `stringData` is write-only: it is base64-encoded into `data`.
    static func foldStringData(_ object: inout JSONValue) {
        guard let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            if let text = value.stringValue { data[key] = .string(Base64.encode(Array(text.utf8))) }
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }
}

/// Standard base64 without Foundation's Data round trip.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            output.append(alphabet[Int((value >> 18) & 63)])
            output.append(alphabet[Int((value >> 12) & 63)])
            output.append(chunk.count > 1 ? alphabet[Int((value >> 6) & 63)] : "=")
            output.append(chunk.count > 2 ? alphabet[Int(value & 63)] : "=")
            index += 3
        }
        return output
    }
}
