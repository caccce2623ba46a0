import Expressions

/// Converts a schema-validated document into the `Workflow` model and runs the checks that need
/// the whole model (job ids, the `needs` graph, step ids, `uses` formats, runner groups, ...).
struct WorkflowConverter {
    let diagnostics: Diagnostics

    /// The workflow and the reusable-workflow call sites (parallel to the jobs that call one).
    func convert(_ root: Token) -> (Workflow, [Int: CallSite]) {
        var workflow = Workflow(file: diagnostics.file, location: diagnostics.location(of: root))
        var sites: [Int: CallSite] = [:]
        for pair in root.mapping ?? [] {
            let value = pair.value
            switch pair.key.string {
            case "on": workflow.triggers = TriggerConverter(diagnostics: diagnostics).convert(value)
            case "name": workflow.name = TokenValues.text(value)
            case "description": workflow.summary = TokenValues.text(value)
            case "run-name": workflow.runName = TokenValues.text(value)
            case "env": workflow.env = TokenValues.stringMap(value)
            case "defaults": workflow.defaults = Self.defaults(value)
            case "permissions": workflow.permissions = Self.permissions(value)
            case "concurrency": workflow.concurrency = Self.concurrency(value)
            case "jobs": (workflow.jobs, sites) = jobs(value)
            default: break
            }
        }
        return (workflow, sites)
    }

    private func jobs(_ token: Token) -> ([Job], [Int: CallSite]) {
        guard let pairs = token.mapping else { return ([], [:]) }
        let converter = JobConverter(diagnostics: diagnostics)
        var jobs: [Job] = []
        var sites: [Int: CallSite] = [:]
        jobs.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let id = pair.key.string, pair.value.mapping != nil else { continue }
            let (job, site) = converter.convert(id: id, key: pair.key, value: pair.value)
            if let site { sites[jobs.count] = site }
            jobs.append(job)
        }
        for problem in JobGraph(jobs: jobs).problems {
            if let location = problem.location {
                diagnostics.append(WorkflowError(problem.message, at: location))
            } else {
                diagnostics.error(problem.message, at: token)
            }
        }
        return (jobs, sites)
    }

    static func defaults(_ token: Token) -> Defaults? {
        guard let run = token["run"] else { return Defaults() }
        return Defaults(run: RunDefaults(
            shell: run["shell"].flatMap(TokenValues.text),
            workingDirectory: run["working-directory"].flatMap(TokenValues.text)))
    }

    static func permissions(_ token: Token) -> Permissions? {
        switch token.kind {
        case .string(let value, _):
            switch value {
            case "read-all": return .readAll
            case "write-all": return .writeAll
            default: return nil
            }
        case .mapping(let pairs):
            var scopes: [String: PermissionLevel] = [:]
            for pair in pairs {
                guard let scope = pair.key.string, let level = pair.value.string.flatMap(PermissionLevel.init(rawValue:)) else {
                    continue
                }
                scopes[scope] = level
            }
            return .scopes(scopes)
        default:
            return nil
        }
    }

    static func concurrency(_ token: Token) -> Concurrency? {
        switch token.kind {
        case .expression(let info) where info.isSingle:
            return Concurrency(expression: info.source)
        case .string, .expression:
            return Concurrency(group: token.templateText)
        case .mapping(let pairs):
            var result = Concurrency()
            for pair in pairs {
                switch pair.key.string {
                case "group": result.group = pair.value.templateText
                case "cancel-in-progress": result.cancelInProgress = TokenValues.scalar(pair.value)
                case "queue": result.queue = TokenValues.text(pair.value)
                default: break
                }
            }
            return result
        default:
            return nil
        }
    }
}
