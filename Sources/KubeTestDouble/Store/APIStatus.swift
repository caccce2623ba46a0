import Kube

/// A failure as the API server reports it: an HTTP status with a `Status` object body.
struct APIStatus: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?

    init(_ code: Int, _ reason: String, _ message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    var json: JSONValue {
        var status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .number(Double(code)),
        ]
        if let details { status["details"] = details }
        return status
    }

    static func notFound(_ resource: ServedResource, _ name: String) -> APIStatus {
        APIStatus(404, "NotFound", "\(resource.qualifiedName) \"\(name)\" not found",
                  details: ["name": .string(name), "group": .string(resource.resource.group), "kind": .string(resource.resource.plural)])
    }

    static func alreadyExists(_ resource: ServedResource, _ name: String) -> APIStatus {
        APIStatus(409, "AlreadyExists", "\(resource.qualifiedName) \"\(name)\" already exists",
                  details: ["name": .string(name), "group": .string(resource.resource.group), "kind": .string(resource.resource.plural)])
    }

    static func conflict(_ resource: ServedResource, _ name: String, _ why: String) -> APIStatus {
        APIStatus(409, "Conflict", "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(why)",
                  details: ["name": .string(name), "group": .string(resource.resource.group), "kind": .string(resource.resource.plural)])
    }

    static func invalid(_ resource: ServedResource, _ name: String, _ causes: [(field: String, message: String)]) -> APIStatus {
        let text = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let causeList: [JSONValue] = causes.map { ["reason": "FieldValueInvalid", "message": .string($0.message), "field": .string($0.field)] }
        return APIStatus(422, "Invalid", "\(resource.resource.kind) \"\(name)\" is invalid: \(text)",
                         details: ["name": .string(name), "group": .string(resource.resource.group), "kind": .string(resource.resource.kind),
                                   "causes": .array(causeList)])
    }

    static func badRequest(_ message: String) -> APIStatus { APIStatus(400, "BadRequest", message) }

    static func expired(_ message: String) -> APIStatus { APIStatus(410, "Expired", message) }
}
