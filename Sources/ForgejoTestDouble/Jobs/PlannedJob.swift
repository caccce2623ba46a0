/// One job of a workflow after planning (one matrix combination), before it gets a database id.
struct PlannedJob: Sendable {
    var jobKey: String
    var name: String
    var needs: [String]
    var runsOn: [String]
    var hasCondition: Bool
    var payload: String
    var matrix: [String: String]
    var stepNames: [String]
}
