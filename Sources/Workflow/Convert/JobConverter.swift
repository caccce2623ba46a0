import Expressions

/// Converts one entry of `jobs:`.
struct JobConverter {
    let diagnostics: Diagnostics

    /// The job and, for reusable-workflow jobs, the tokens needed to check the call.
    func convert(id: String, key: Token, value: Token) -> (Job, CallSite?) {
        var job = Job(id: id, location: diagnostics.location(of: key))
        if !id.isEmpty, let problem = IdBuilder.validate(id) {
            diagnostics.error(problem, at: key)
        }
        var site = CallSite(jobKey: key)
        for pair in value.mapping ?? [] {
            let value = pair.value
            switch pair.key.string {
            case "name":
                let name = value.templateText
                job.name = name.isEmpty ? nil : name
            case "needs":
                let entries = value.sequence ?? [value]
                for entry in entries {
                    guard let need = entry.string else { continue }
                    job.needs.append(need)
                    job.needsLocations.append(diagnostics.location(of: entry))
                }
            case "if":
                let (raw, condition) = ConditionConverter.convert(
                    value, context: ConditionConverter.jobContext, diagnostics: diagnostics)
                job.ifCondition = raw
                job.condition = condition
            case "runs-on": job.runsOn = runsOn(value)
            case "env": job.env = TokenValues.stringMap(value)
            case "outputs": job.outputs = TokenValues.stringMap(value)
            case "strategy": job.strategy = strategy(value)
            case "timeout-minutes": job.timeoutMinutes = TokenValues.scalar(value)
            case "cancel-timeout-minutes": job.cancelTimeoutMinutes = TokenValues.scalar(value)
            case "continue-on-error": job.continueOnError = TokenValues.scalar(value)
            case "container":
                job.container = ContainerConverter(diagnostics: diagnostics).convert(value, isService: false)
            case "services":
                let converter = ContainerConverter(diagnostics: diagnostics)
                for service in value.mapping ?? [] {
                    if let spec = converter.convert(service.value, isService: true) {
                        job.services.append(service.key.templateText, spec)
                    }
                }
            case "uses":
                job.uses = value.templateText
                site.uses = value
            case "with":
                for entry in value.mapping ?? [] {
                    job.with.append(entry.key.templateText, TokenValues.value(entry.value))
                }
                site.with = value.mapping ?? []
            case "secrets":
                if value.string == "inherit" {
                    job.secrets = .inherit
                    site.inheritSecrets = true
                } else {
                    job.secrets = .mapping(TokenValues.stringMap(value))
                    site.secrets = value.mapping ?? []
                }
            case "steps": job.steps = StepConverter(diagnostics: diagnostics).convert(value)
            case "permissions": job.permissions = WorkflowConverter.permissions(value)
            case "concurrency": job.concurrency = WorkflowConverter.concurrency(value)
            case "defaults": job.defaults = WorkflowConverter.defaults(value)
            case "environment": job.environment = environment(value)
            case "snapshot": job.snapshot = TokenValues.value(value)
            default: break
            }
        }
        return (job, site.uses == nil ? nil : site)
    }

    private func runsOn(_ token: Token) -> RunsOn {
        switch token.kind {
        case .expression(let info) where info.isSingle:
            return RunsOn(labels: [info.source], isExpression: true)
        case .mapping(let pairs):
            var result = RunsOn(labels: [])
            for pair in pairs {
                switch pair.key.string {
                case "group":
                    result.group = pair.value.templateText
                    if let group = pair.value.string { checkGroup(group, at: pair.value) }
                case "labels":
                    result.labels = TokenValues.stringList(pair.value)
                default: break
                }
            }
            return result
        default:
            return RunsOn(labels: TokenValues.stringList(token))
        }
    }

    /// GitHub accepts a bare group name or one prefixed with `org/`, `organization/`, `ent/` or `enterprise/`.
    private func checkGroup(_ group: String, at token: Token) {
        let names = group.split(separator: "/", omittingEmptySubsequences: false)
        let prefixMessage = "Invalid runs-on group name '\(group)'. Please use 'organization/' or 'enterprise/' prefix to target a single runner group."
        switch names.count {
        case 1:
            return
        case 2:
            if !["org", "organization", "ent", "enterprise"].contains(String(names[0])) {
                diagnostics.error(prefixMessage, at: token)
            } else if names[1].isEmpty {
                diagnostics.error("Invalid runs-on group name '\(group)'.", at: token)
            }
        default:
            diagnostics.error(prefixMessage, at: token)
        }
    }

    private func strategy(_ token: Token) -> Strategy {
        if let info = token.expression {
            return Strategy(expression: info.source)
        }
        var result = Strategy()
        for pair in token.mapping ?? [] {
            switch pair.key.string {
            case "fail-fast": result.failFast = TokenValues.scalar(pair.value)
            case "max-parallel": result.maxParallel = TokenValues.scalar(pair.value)
            case "matrix": result.matrix = matrix(pair.value)
            default: break
            }
        }
        return result
    }

    private func matrix(_ token: Token) -> MatrixSpec? {
        switch token.kind {
        case .expression(let info):
            return .expression(info.source)
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = pair.key.string, name != "include", name != "exclude" else { continue }
                if let items = pair.value.sequence, items.isEmpty {
                    diagnostics.error("Matrix vector '\(name)' does not contain any values", at: pair.value)
                }
            }
            return .definition(TokenValues.value(token))
        default:
            return nil
        }
    }

    private func environment(_ token: Token) -> DeploymentEnvironment? {
        switch token.kind {
        case .expression(let info) where info.isSingle:
            return DeploymentEnvironment(name: info.source, isExpression: true)
        case .mapping(let pairs):
            var result = DeploymentEnvironment(name: "")
            for pair in pairs {
                switch pair.key.string {
                case "name": result.name = pair.value.templateText
                case "url": result.url = TokenValues.text(pair.value)
                case "deployment": result.deployment = TokenValues.bool(pair.value) ?? true
                default: break
                }
            }
            return result
        case .null:
            return nil
        default:
            return DeploymentEnvironment(name: token.templateText)
        }
    }
}

/// The parts of a reusable-workflow job needed to check the call against the called workflow.
struct CallSite {
    var jobKey: Token
    var uses: Token?
    var with: [TokenPair] = []
    var secrets: [TokenPair] = []
    var inheritSecrets = false

    init(jobKey: Token) {
        self.jobKey = jobKey
    }
}
