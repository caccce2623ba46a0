import Kube

/// The name and field checks the real API server makes for the objects the double serves.
enum Validation {
    /// A DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.',
    /// starting and ending with a letter or digit.
    static func isSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0), limit: 63) }
    }

    /// A DNS-1123 label: at most 63 characters of lowercase letters, digits and '-', starting
    /// and ending with a letter or digit.
    static func isLabel(_ name: String, limit: Int = 63) -> Bool {
        guard !name.isEmpty, name.count <= limit else { return false }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return allowed && name.first != "-" && name.last != "-"
    }

    static func nameProblems(_ resource: ServedResource, _ name: String) -> [(field: String, message: String)] {
        if resource.resource == .namespaces {
            guard isLabel(name) else {
                return [("metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]
            }
            return []
        }
        guard isSubdomain(name) else {
            return [("metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
        }
        return []
    }

    /// Field problems of a whole object (pods: containers with names and images).
    static func objectProblems(_ resource: ServedResource, _ object: JSONValue) -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        if let labels = object[path: "metadata", "labels"], labels != .null {
            guard let members = labels.objectValue else { return [("metadata.labels", "Invalid value: must be a map of strings")] }
            for (key, value) in members {
                guard let text = value.stringValue, text.count <= 63 else {
                    problems.append(("metadata.labels", "Invalid value: \"\(key)\": label values must be strings of at most 63 characters"))
                    continue
                }
                _ = text
            }
        }
        guard resource.resource == .pods else { return problems }
        let containers = object[path: "spec", "containers"]?.arrayValue ?? []
        if containers.isEmpty { problems.append(("spec.containers", "Required value")) }
        var seen: Set<String> = []
        for (kind, list) in [("containers", containers), ("initContainers", object[path: "spec", "initContainers"]?.arrayValue ?? [])] {
            for (index, container) in list.enumerated() {
                let name = container["name"]?.stringValue ?? ""
                if name.isEmpty {
                    problems.append(("spec.\(kind)[\(index)].name", "Required value"))
                } else if !isLabel(name) {
                    problems.append(("spec.\(kind)[\(index)].name", "Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"))
                } else if !seen.insert(name).inserted {
                    problems.append(("spec.\(kind)[\(index)].name", "Duplicate value: \"\(name)\""))
                }
                if (container["image"]?.stringValue ?? "").isEmpty {
                    problems.append(("spec.\(kind)[\(index)].image", "Required value"))
                }
            }
        }
        return problems
    }
}
