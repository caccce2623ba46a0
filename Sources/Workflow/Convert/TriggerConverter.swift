import Expressions

/// Converts `on:` into `Triggers`, including workflow_dispatch / workflow_call inputs and a check
/// of `schedule` cron lines.
struct TriggerConverter {
    let diagnostics: Diagnostics

    func convert(_ token: Token) -> Triggers {
        var events: [EventTrigger] = []
        switch token.kind {
        case .string(let name, _):
            events.append(EventTrigger(name: name, location: diagnostics.location(of: token)))
        case .sequence(let items):
            for item in items {
                guard let name = item.string else { continue }
                events.append(EventTrigger(name: name, location: diagnostics.location(of: item)))
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = pair.key.string else { continue }
                events.append(event(name, pair.key, pair.value))
            }
        default:
            break
        }
        return Triggers(events: events)
    }

    private func event(_ name: String, _ key: Token, _ value: Token) -> EventTrigger {
        var trigger = EventTrigger(name: name, config: TokenValues.value(value), location: diagnostics.location(of: key))
        switch name {
        case "workflow_dispatch":
            if let inputs = value["inputs"] { trigger.inputs = self.inputs(inputs) }
        case "workflow_call":
            if let inputs = value["inputs"] { trigger.inputs = self.inputs(inputs) }
            if let outputs = value["outputs"] { trigger.outputs = self.outputs(outputs) }
            if let secrets = value["secrets"] { trigger.secrets = self.secrets(secrets) }
        case "schedule":
            for item in value.sequence ?? [] {
                guard let cron = item["cron"], let text = cron.string else { continue }
                if !CronValidator.isValid(text) {
                    diagnostics.error(
                        "Invalid cron expression. Expected format: '* * * * *' (minute hour day month weekday)", at: cron)
                }
            }
        default:
            break
        }
        return trigger
    }

    private func inputs(_ token: Token) -> [InputDefinition] {
        var result: [InputDefinition] = []
        for pair in token.mapping ?? [] {
            var input = InputDefinition(name: pair.key.templateText, location: diagnostics.location(of: pair.key))
            var hasOptions = false
            for entry in pair.value.mapping ?? [] {
                switch entry.key.string {
                case "description": input.description = TokenValues.text(entry.value)
                case "required": input.required = TokenValues.bool(entry.value) ?? false
                case "default": input.default = TokenValues.scalar(entry.value)
                case "type": input.type = entry.value.string.flatMap(InputType.init(rawValue:)) ?? .string
                case "options":
                    hasOptions = true
                    input.options = TokenValues.stringList(entry.value)
                default: break
                }
            }
            if input.type == .choice, input.options.isEmpty {
                diagnostics.error("Missing 'options' for choice input", at: pair.value)
            } else if input.type != .choice, hasOptions {
                diagnostics.error("Input type is not 'choice', but 'options' is defined", at: pair.value)
            }
            result.append(input)
        }
        return result
    }

    private func outputs(_ token: Token) -> [WorkflowCallOutput] {
        (token.mapping ?? []).map { pair in
            WorkflowCallOutput(
                name: pair.key.templateText,
                description: pair.value["description"].flatMap(TokenValues.text),
                value: pair.value["value"]?.templateText ?? "",
                location: diagnostics.location(of: pair.key))
        }
    }

    private func secrets(_ token: Token) -> [WorkflowCallSecret] {
        (token.mapping ?? []).map { pair in
            WorkflowCallSecret(
                name: pair.key.templateText,
                description: pair.value["description"].flatMap(TokenValues.text),
                required: pair.value["required"].flatMap(TokenValues.bool) ?? false,
                location: diagnostics.location(of: pair.key))
        }
    }
}

/// Checks the five fields of a `schedule` cron line (numbers, ranges, steps, lists, `*`, and
/// month/day names).
enum CronValidator {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    static func isValid(_ cron: String) -> Bool {
        let fields = cron.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5 else { return false }
        return field(fields[0], 0, 59, names: [], nameBase: 0)
            && field(fields[1], 0, 23, names: [], nameBase: 0)
            && field(fields[2], 1, 31, names: [], nameBase: 0)
            && field(fields[3], 1, 12, names: months, nameBase: 1)
            && field(fields[4], 0, 6, names: days, nameBase: 0)
    }

    private static func field(_ text: Substring, _ min: Int, _ max: Int, names: [String], nameBase: Int) -> Bool {
        text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return false }
            if pieces.count == 2 {
                guard let step = Int(pieces[1]), step > 0 else { return false }
            }
            let range = pieces[0]
            if range == "*" { return true }
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { return false }
            var values: [Int] = []
            for bound in bounds {
                if let number = Int(bound), number >= min, number <= max {
                    values.append(number)
                } else if let index = names.firstIndex(of: bound.lowercased()) {
                    values.append(index + nameBase)
                } else {
                    return false
                }
            }
            return values.count == 1 || values[0] <= values[1]
        }
    }
}
