import Foundation
import Kube

/// A field selector as the API accepts it for the served resources: `metadata.name=x`,
/// `metadata.namespace!=y`, `status.phase=Running` (equality on string fields, joined by commas).
struct FieldSelector: Sendable {
    private var requirements: [(path: [String], value: String, equal: Bool)] = []

    init(parsing text: String) throws(APIStatus) {
        for clause in text.split(separator: ",") where !clause.trimmingCharacters(in: .whitespaces).isEmpty {
            let clause = String(clause)
            let parts: (String, String, Bool)
            if let range = clause.range(of: "!=") {
                parts = (String(clause[..<range.lowerBound]), String(clause[range.upperBound...]), false)
            } else if let range = clause.range(of: "==") ?? clause.range(of: "=") {
                parts = (String(clause[..<range.lowerBound]), String(clause[range.upperBound...]), true)
            } else {
                throw APIStatus.badRequest("invalid field selector: \"\(clause)\"")
            }
            let path = parts.0.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
            guard !path.isEmpty else { throw APIStatus.badRequest("invalid field selector: \"\(clause)\"") }
            requirements.append((path, parts.1.trimmingCharacters(in: .whitespaces), parts.2))
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            var current: JSONValue? = object
            for key in requirement.path { current = current?[key] }
            let value = current?.stringValue ?? ""
            return (value == requirement.value) == requirement.equal
        }
    }
}
