import Kube

/// The discovery documents kubectl and client libraries read before anything else, in the shapes
/// the real API server returns (the legacy, unaggregated form).
enum Discovery {
    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-hearth-double", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.4", "compiler": "gc", "platform": "linux/amd64",
    ]

    static func document(_ path: String, serverAddress: String) -> JSONValue? {
        switch path.trimmingSuffix("/") {
        case "/version":
            return version
        case "/api":
            return ["kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
        case "/apis":
            return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.map(group))]
        case "/api/v1":
            return resourceList(group: "", version: "v1")
        default:
            for name in groups {
                if path.trimmingSuffix("/") == "/apis/\(name)" { return group(name) }
                if path.trimmingSuffix("/") == "/apis/\(name)/v1" { return resourceList(group: name, version: "v1") }
            }
            return nil
        }
    }

    private static var groups: [String] {
        var names: [String] = []
        for served in ServedResource.all where !served.resource.group.isEmpty && !names.contains(served.resource.group) {
            names.append(served.resource.group)
        }
        return names
    }

    private static func group(_ name: String) -> JSONValue {
        let version: JSONValue = ["groupVersion": .string("\(name)/v1"), "version": "v1"]
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": [version], "preferredVersion": version]
    }

    private static func resourceList(group: String, version: String) -> JSONValue {
        var resources: [JSONValue] = []
        for served in ServedResource.all where served.resource.group == group && served.resource.version == version {
            var entry: JSONValue = [
                "name": .string(served.resource.plural), "singularName": .string(served.singular),
                "namespaced": .bool(served.resource.namespaced), "kind": .string(served.resource.kind),
                "verbs": .array(served.verbs.map { .string($0) }),
            ]
            if !served.shortNames.isEmpty { entry["shortNames"] = .array(served.shortNames.map { .string($0) }) }
            resources.append(entry)
            if served.hasStatus {
                resources.append(["name": .string("\(served.resource.plural)/status"), "singularName": "",
                                  "namespaced": .bool(served.resource.namespaced), "kind": .string(served.resource.kind),
                                  "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                "resources": .array(resources)]
    }
}
