/// Converts `steps:`: ids (validated, and generated GitHub's way when absent), conditions, and a
/// check of the `uses:` format.
struct StepConverter {
    let diagnostics: Diagnostics
    /// The contexts allowed in a step's `if:` (a workflow step's by default).
    var ifContext = ConditionConverter.stepContext

    func convert(_ token: Token) -> [Step] {
        var idBuilder = IdBuilder()
        var steps: [Step] = []
        for item in token.sequence ?? [] {
            guard let pairs = item.mapping else { continue }
            var step = Step(generatedId: "", location: diagnostics.location(of: item))
            for pair in pairs {
                let value = pair.value
                switch pair.key.string {
                case "id":
                    guard let id = value.string else { break }
                    step.id = id
                    if !id.isEmpty, let problem = idBuilder.tryAddKnownId(id) {
                        diagnostics.error(problem, at: value)
                    }
                case "name": step.name = TokenValues.text(value)
                case "run": step.run = TokenValues.text(value)
                case "shell": step.shell = TokenValues.text(value)
                case "working-directory": step.workingDirectory = TokenValues.text(value)
                case "env": step.env = TokenValues.stringMap(value)
                case "with": step.with = TokenValues.stringMap(value)
                case "uses":
                    guard let uses = value.string else { break }
                    step.uses = uses
                    if let problem = Self.checkUses(uses) { diagnostics.error(problem, at: value) }
                case "if":
                    let (raw, condition) = ConditionConverter.convert(
                        value, context: ifContext, diagnostics: diagnostics)
                    step.ifCondition = raw
                    step.condition = condition
                case "continue-on-error": step.continueOnError = TokenValues.scalar(value)
                case "timeout-minutes": step.timeoutMinutes = TokenValues.scalar(value)
                default: break
                }
            }
            steps.append(step)
        }
        for index in steps.indices {
            if let id = steps[index].id, !id.isEmpty {
                steps[index].generatedId = id
                continue
            }
            var segment = steps[index].uses.map(Self.actionStepId) ?? ""
            if segment.isEmpty { segment = "run" }
            idBuilder.appendSegment("__\(segment)")
            steps[index].generatedId = idBuilder.build()
        }
        return steps
    }

    /// GitHub's id seed for an action step: `docker://img` → `img`, local → `self`, `o/r/p@v` → `o/r`.
    static func actionStepId(_ uses: String) -> String {
        if uses.hasPrefix("docker://") { return String(uses.dropFirst("docker://".count)) }
        if uses.hasPrefix("./") || uses.hasPrefix(".\\") || uses.hasPrefix("$/") { return "self" }
        let parts = uses.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "" }
        let path = parts[0].split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard path.count >= 2, !parts[1].isEmpty else { return "" }
        return "\(path[0])/\(path[1])"
    }

    /// GitHub's check of a step's `uses:`: `docker://...`, a local path, or `{org}/{repo}[/path]@ref`.
    static func checkUses(_ uses: String) -> String? {
        if uses.hasPrefix("docker://") || uses.hasPrefix("./") || uses.hasPrefix(".\\") || uses.hasPrefix("$/") {
            return nil
        }
        let parts = uses.split(separator: "@", omittingEmptySubsequences: false)
        let path = parts.first?.split(whereSeparator: { $0 == "/" || $0 == "\\" }) ?? []
        if parts.count != 2 || path.count < 2 || parts[1].isEmpty {
            return "Expected format {org}/{repo}[/path]@ref. Actual '\(uses)'"
        }
        return nil
    }
}
