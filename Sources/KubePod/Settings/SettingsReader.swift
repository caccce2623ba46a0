import Backends
import Foundation
import Kube

/// Reads the `kubernetes:` section into ``KubernetesSettings``, naming the key path in every error.
struct SettingsReader {
    let file: String

    static let sectionKeys = ["namespace", "kubeconfig", "context", "controller_url", "listen", "agent_image", "start_timeout", "default", "labels"]
    static let templateKeys = [
        "image", "resources", "service_resources", "agent_resources", "node_selector", "tolerations", "affinity",
        "service_account_name", "image_pull_secrets", "runtime_class_name", "priority_class_name", "labels", "annotations", "patch",
        "security", "workspace_size_limit", "concurrency",
    ]

    func error(_ key: String, _ message: String) -> KubernetesSettingsError {
        KubernetesSettingsError(key: key, message: message, file: file)
    }

    func settings(_ section: JSONValue) throws(KubernetesSettingsError) -> KubernetesSettings {
        var settings = KubernetesSettings()
        let root = "kubernetes"
        if section.isNull { return settings }
        let members = try mapping(section, root)
        try checkKeys(members, known: Self.sectionKeys, at: root)
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where !value.isNull {
            let path = "\(root).\(key)"
            switch key {
            case "namespace":
                let name = try string(value, path)
                guard KubeNames.isDNSLabel(name) else { throw error(path, "'\(name)' is not a namespace name (lowercase letters, digits and '-')") }
                settings.namespace = name
            case "kubeconfig": settings.kubeconfig = try string(value, path)
            case "context": settings.context = try string(value, path)
            case "controller_url": settings.controllerURL = try controllerURL(value, path)
            case "listen": settings.listen = try listen(value, path)
            case "agent_image": settings.agentImage = try string(value, path)
            case "start_timeout":
                let text = try string(value, path, expected: "a duration such as 10m, 90s or 1h")
                guard let duration = PodmanContainerOptions.parseDuration(text), duration > .zero else {
                    throw error(path, "'\(text)' is not a duration (use Go syntax such as 10m, 90s or 1h30m)")
                }
                settings.startTimeout = duration
            case "default": settings.defaultTemplate = try template(value, path)
            case "labels":
                for (label, entry) in try mapping(value, path).sorted(by: { $0.key < $1.key }) {
                    settings.labels[label] = entry.isNull ? PodTemplate() : try template(entry, "\(path).\(label)")
                }
            default: break
            }
        }
        return settings
    }

    // MARK: - Templates

    func template(_ value: JSONValue, _ path: String) throws(KubernetesSettingsError) -> PodTemplate {
        var template = PodTemplate()
        let members = try mapping(value, path)
        try checkKeys(members, known: Self.templateKeys, at: path)
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where !value.isNull {
            let path = "\(path).\(key)"
            switch key {
            case "image": template.image = try string(value, path)
            case "resources": template.resources = try resources(value, path)
            case "service_resources": template.serviceResources = try resources(value, path)
            case "agent_resources": template.agentResources = try resources(value, path)
            case "node_selector":
                template.nodeSelector = try stringMap(value, path)
                for (key, label) in template.nodeSelector where !KubeNames.isQualifiedName(key) || !KubeNames.isLabelValue(label) {
                    throw error("\(path).\(key)", "'\(key): \(label)' is not a valid node label")
                }
            case "tolerations":
                guard case .array(let items) = value else { throw error(path, "expected a list of tolerations") }
                for (index, item) in items.enumerated() where item.objectValue == nil {
                    throw error("\(path)[\(index)]", "expected a mapping (key, operator, value, effect, tolerationSeconds)")
                }
                template.tolerations = items
            case "affinity":
                _ = try mapping(value, path)
                template.affinity = value
            case "service_account_name": template.serviceAccountName = try name(value, path, what: "service account")
            case "image_pull_secrets":
                guard case .array(let items) = value else { throw error(path, "expected a list of Secret names") }
                for (index, item) in items.enumerated() {
                    let itemPath = "\(path)[\(index)]"
                    let secretName: String
                    if let text = item.stringValue {
                        secretName = text
                    } else if let nested = item["name"]?.stringValue, item.objectValue?.count == 1 {
                        secretName = nested
                    } else {
                        throw error(itemPath, "expected a Secret name")
                    }
                    guard KubeNames.isDNSSubdomain(secretName) else { throw error(itemPath, "'\(secretName)' is not a Secret name") }
                    if !template.imagePullSecrets.contains(secretName) { template.imagePullSecrets.append(secretName) }
                }
            case "runtime_class_name": template.runtimeClassName = try name(value, path, what: "RuntimeClass")
            case "priority_class_name": template.priorityClassName = try name(value, path, what: "PriorityClass")
            case "labels":
                template.labels = try stringMap(value, path)
                for (key, label) in template.labels.sorted(by: { $0.key < $1.key }) {
                    guard KubeNames.isQualifiedName(key) else { throw error("\(path).\(key)", "'\(key)' is not a valid label key") }
                    guard KubeNames.isLabelValue(label) else {
                        throw error("\(path).\(key)", "'\(label)' is not a valid label value (at most 63 letters, digits, '-', '_', '.')")
                    }
                    if PodLayout.ownLabels.contains(key) { throw error("\(path).\(key)", "this label is set by Hearth") }
                }
            case "annotations":
                template.annotations = try stringMap(value, path)
                for key in template.annotations.keys.sorted() where !KubeNames.isQualifiedName(key) {
                    throw error("\(path).\(key)", "'\(key)' is not a valid annotation key")
                }
            case "patch":
                _ = try mapping(value, path, expected: "a mapping (a JSON merge patch of the Pod)")
                template.patch = value
            case "security":
                let text = try string(value, path)
                guard let profile = SecurityProfile(rawValue: text) else {
                    let names = SecurityProfile.allCases.map(\.rawValue)
                    let hint = Suggestion.closest(to: text, among: names).map { " (did you mean \($0)?)" } ?? ""
                    throw error(path, "'\(text)' is not a security profile; use one of \(names.joined(separator: ", "))\(hint)")
                }
                template.security = profile
            case "workspace_size_limit":
                guard let quantity = Quantity.normalized(value), Quantity.value(quantity) ?? 0 > 0 else {
                    throw error(path, "expected a size such as 10Gi")
                }
                template.workspaceSizeLimit = quantity
            case "concurrency":
                guard let count = value.intValue, count > 0 else { throw error(path, "expected a positive whole number") }
                template.concurrency = count
            default: break
            }
        }
        return template
    }

    private func resources(_ value: JSONValue, _ path: String) throws(KubernetesSettingsError) -> JSONValue {
        let members = try mapping(value, path)
        try checkKeys(members, known: ["requests", "limits"], at: path)
        var result: [String: JSONValue] = [:]
        for (kind, entries) in members.sorted(by: { $0.key < $1.key }) where !entries.isNull {
            var quantities: [String: JSONValue] = [:]
            for (resource, quantity) in try mapping(entries, "\(path).\(kind)").sorted(by: { $0.key < $1.key }) {
                guard let normalized = Quantity.normalized(quantity) else {
                    throw error("\(path).\(kind).\(resource)", "expected a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi")
                }
                quantities[resource] = .string(normalized)
            }
            result[kind] = .object(quantities)
        }
        return .object(result)
    }

    // MARK: - Scalars

    private func controllerURL(_ value: JSONValue, _ path: String) throws(KubernetesSettingsError) -> String {
        let text = try string(value, path)
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw error(path, "'\(text)' is not an http(s) URL such as http://hearth.hearth.svc:8090")
        }
        if let authority = text.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first,
            authority.filter({ $0 == ":" }).count > 1, !authority.hasPrefix("[")
        {
            throw error(path, "an IPv6 address in a URL must be in brackets, e.g. http://[fd00::1]:8090")
        }
        return text
    }

    private func listen(_ value: JSONValue, _ path: String) throws(KubernetesSettingsError) -> String {
        let text = try string(value, path)
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw error(path, "'\(text)' is not HOST:PORT (IPv6 as [::]:8090)")
            }
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw error(path, "'\(text)' is not HOST:PORT (IPv6 addresses in brackets: [::]:8090)") }
            port = parts[1]
        }
        guard let number = Int(port), (1...65535).contains(number) else { throw error(path, "'\(text)' has no valid port") }
        return text
    }

    private func name(_ value: JSONValue, _ path: String, what: String) throws(KubernetesSettingsError) -> String {
        let text = try string(value, path)
        guard KubeNames.isDNSSubdomain(text) else { throw error(path, "'\(text)' is not a \(what) name") }
        return text
    }

    private func string(_ value: JSONValue, _ path: String, expected: String = "a string") throws(KubernetesSettingsError) -> String {
        guard case .string(let text) = value else { throw error(path, "expected \(expected)") }
        return text
    }

    private func mapping(_ value: JSONValue, _ path: String, expected: String = "a mapping") throws(KubernetesSettingsError) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw error(path, "expected \(expected)") }
        return members
    }

    /// A mapping of strings; numbers and booleans are taken as their text (YAML reads `1` and `true`).
    private func stringMap(_ value: JSONValue, _ path: String) throws(KubernetesSettingsError) -> [String: String] {
        var result: [String: String] = [:]
        for (key, element) in try mapping(value, path) {
            switch element {
            case .string(let text): result[key] = text
            case .bool(let flag): result[key] = flag ? "true" : "false"
            case .number: result[key] = element.intValue.map(String.init) ?? element.numberValue.map { "\($0)" }
            default: throw error("\(path).\(key)", "expected a string")
            }
        }
        return result
    }

    private func checkKeys(_ members: [String: JSONValue], known: [String], at path: String) throws(KubernetesSettingsError) {
        for key in members.keys.sorted() where !known.contains(key) {
            let hint = Suggestion.closest(to: key, among: known).map { " (did you mean \($0)?)" } ?? ""
            throw error("\(path).\(key)", "unknown key\(hint); known keys: \(known.joined(separator: ", "))")
        }
    }
}

/// "Did you mean" for misspelt keys.
enum Suggestion {
    /// The candidate within a small edit distance of `word` (or equal to it once `-`/`_` and case
    /// are ignored, as in `nodeSelector` for `node_selector`).
    static func closest(to word: String, among candidates: [String]) -> String? {
        func folded(_ text: String) -> String { text.lowercased().filter { $0 != "_" && $0 != "-" } }
        if let same = candidates.first(where: { folded($0) == folded(word) }) { return same }
        let limit = max(1, min(3, word.count / 3))
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= limit else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
