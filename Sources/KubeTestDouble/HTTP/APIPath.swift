/// A request path taken apart the way the API server routes it:
/// `/api/v1[/watch][/namespaces/NS]/PLURAL[/NAME[/SUBRESOURCE]]` and the same under
/// `/apis/GROUP/VERSION`, or a discovery document.
enum APIPath: Equatable {
    case discovery(String)
    case resource(ResourcePath)
    case unknown

    struct ResourcePath: Equatable {
        var resource: ServedResource
        var namespace: String?
        var name: String?
        var subresource: String?
        /// A legacy `/watch/` path.
        var legacyWatch: Bool
    }

    init(_ path: String) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let group: String
        let version: String
        if segments.first == "api", segments.count >= 2 {
            group = ""
            version = segments[1]
            segments.removeFirst(2)
        } else if segments.first == "apis", segments.count >= 3 {
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        } else {
            self = .discovery(path)
            return
        }
        if segments.isEmpty {
            self = .discovery(path)
            return
        }
        var legacyWatch = false
        if segments.first == "watch" {
            legacyWatch = true
            segments.removeFirst()
        }
        var namespace: String?
        // /namespaces/NS/PLURAL… (a namespaced resource), unless it is the namespace itself.
        if segments.count >= 3, segments[0] == "namespaces", !(group.isEmpty && ["status", "finalize"].contains(segments[2]) && segments.count == 3) {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        guard let resource = ServedResource.find(group: group, version: version, plural: segments[0]),
              segments.count <= 3, namespace == nil || resource.resource.namespaced else {
            self = .unknown
            return
        }
        self = .resource(ResourcePath(resource: resource, namespace: namespace, name: segments.count > 1 ? segments[1] : nil,
                                      subresource: segments.count > 2 ? segments[2] : nil, legacyWatch: legacyWatch))
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.count > 1 && text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
