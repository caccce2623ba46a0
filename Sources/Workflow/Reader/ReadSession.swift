/// One call of the reader: the top-level workflow and the workflows it calls, sharing GitHub's
/// size budget, depth limit and job count, and collecting every error.
final class ReadSession {
    let options: ReaderOptions
    private(set) var errors: [WorkflowError] = []
    private var bytes = 0

    /// A parsed file before its calls are resolved.
    struct Parsed {
        var workflow: Workflow
        var sites: [Int: CallSite]
        var diagnostics: Diagnostics
    }

    init(options: ReaderOptions) {
        self.options = options
    }

    func readRoot(yaml: String, file: String) -> Workflow? {
        guard let parsed = parse(yaml: yaml, file: file, reportLimitsAt: nil) else { return nil }
        var workflow = parsed.workflow
        resolveCalls(in: &workflow, sites: parsed.sites, diagnostics: parsed.diagnostics, depth: 1,
                     inherited: options.defaultPermissions)
        if let maxJobs = options.maxJobs {
            let total = Self.countJobs(workflow.jobs)
            if total > maxJobs {
                errors.append(WorkflowError("The workflow may not contain more than \(maxJobs) jobs", file: nil))
            }
        }
        return workflow
    }

    /// Loads, schema-checks and converts one file. `reportLimitsAt` is the caller's `uses:` for a
    /// called workflow: limit errors are reported there, as GitHub does.
    private func parse(yaml: String, file: String, reportLimitsAt caller: (Diagnostics, Token, String)?) -> Parsed? {
        let schemaDiagnostics = Diagnostics(file: file)
        let limits = ReaderLimits(maxFileSize: options.maxFileSize, maxDepth: options.maxDepth,
                                  maxResultSize: options.maxResultSize, fileNameForSize: file)
        var loader = YAMLLoader(limits: limits, diagnostics: schemaDiagnostics, bytes: bytes)
        let raw = loader.load(yaml)
        bytes = loader.bytes
        if let (callerDiagnostics, uses, reference) = caller {
            for error in schemaDiagnostics.errors {
                if error.location == nil {
                    errors.append(WorkflowError("Error from called workflow \(reference): \(error.message)",
                                                at: callerDiagnostics.location(of: uses)))
                } else {
                    errors.append(error)
                }
            }
        } else {
            errors += schemaDiagnostics.errors
        }
        guard let raw else { return nil }

        let readerDiagnostics = Diagnostics(file: file)
        let validated = TemplateReader(diagnostics: readerDiagnostics, allowBackgroundSteps: options.allowBackgroundSteps)
            .read(raw)
        errors += readerDiagnostics.errors
        let semantic = Diagnostics(file: file)
        let (workflow, sites) = WorkflowConverter(diagnostics: semantic).convert(validated)
        errors += semantic.errors
        return Parsed(workflow: workflow, sites: sites, diagnostics: Diagnostics(file: file))
    }

    // MARK: - Reusable workflows

    private func resolveCalls(in workflow: inout Workflow, sites: [Int: CallSite], diagnostics: Diagnostics,
                              depth: Int, inherited: Permissions?) {
        guard let provider = options.workflowProvider else { return }
        for index in sites.keys.sorted() {
            guard let site = sites[index], let usesToken = site.uses, let reference = usesToken.string else { continue }
            let caller = workflow.jobs[index]
            guard let source = provider(reference, workflow.file) else { continue }
            if depth > options.maxReusableWorkflowDepth {
                errors.append(WorkflowError("Nested reusable workflow depth exceeded \(options.maxReusableWorkflowDepth).", file: nil))
                continue
            }
            guard let parsed = parse(yaml: source.content, file: source.file,
                                     reportLimitsAt: (diagnostics, usesToken, reference)) else { continue }
            var callee = parsed.workflow
            checkCall(site, usesToken: usesToken, callee: callee, diagnostics: diagnostics)

            let allowed = caller.permissions ?? workflow.permissions ?? inherited
            if let allowed {
                checkPermissions(of: callee, reference: reference, allowed: allowed, callerKey: site.jobKey,
                                 diagnostics: diagnostics)
            }
            resolveCalls(in: &callee, sites: parsed.sites, diagnostics: parsed.diagnostics, depth: depth + 1,
                         inherited: allowed)
            workflow.jobs[index].calledWorkflow = callee
        }
        errors += diagnostics.errors
        diagnostics.clear()
    }

    /// Inputs and secrets passed by the caller against those the called workflow declares.
    private func checkCall(_ site: CallSite, usesToken: Token, callee: Workflow, diagnostics: Diagnostics) {
        guard callee.triggers.contains("workflow_call") else {
            diagnostics.error("workflow_call key is not defined in the referenced workflow.", at: usesToken)
            return
        }
        let inputs = callee.triggers.workflowCallInputs
        let given = Set(site.with.compactMap { $0.key.string?.lowercased() })
        for input in inputs where input.required && !given.contains(input.name.lowercased()) {
            diagnostics.error("Input \(input.name) is required, but not provided while calling.", at: usesToken)
        }
        for pair in site.with {
            guard let name = pair.key.string else { continue }
            guard let input = inputs.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                diagnostics.error("Invalid input, \(name) is not defined in the referenced workflow.", at: pair.value)
                continue
            }
            switch (input.type, pair.value.kind) {
            case (_, .expression), (.string, _), (.boolean, .bool), (.number, .number):
                break
            case (.boolean, _), (.number, _):
                diagnostics.error("Unexpected value '\(pair.value.literalString)'", at: pair.value)
            default:
                break
            }
        }

        guard !site.inheritSecrets else { return }
        let secrets = callee.triggers.workflowCallSecrets
        let givenSecrets = Set(site.secrets.compactMap { $0.key.string?.lowercased() })
        for secret in secrets where secret.required && !givenSecrets.contains(secret.name.lowercased()) {
            diagnostics.error("Secret \(secret.name) is required, but not provided while calling.", at: usesToken)
        }
        for pair in site.secrets {
            guard let name = pair.key.string else { continue }
            if !secrets.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                diagnostics.error("Invalid secret, \(name) is not defined in the referenced workflow.", at: pair.value)
            }
        }
    }

    /// What the called workflow and its jobs request must not exceed what the calling job has.
    private func checkPermissions(of callee: Workflow, reference: String, allowed: Permissions, callerKey: Token,
                                  diagnostics: Diagnostics) {
        if let requested = callee.permissions, let (wanted, granted) = Self.excess(requested, allowed) {
            diagnostics.error(
                "Error calling workflow '\(reference)'. The workflow '\(reference)' is requesting '\(wanted)', but is only allowed '\(granted)'.",
                at: callerKey)
        }
        for job in callee.jobs {
            guard let requested = job.permissions, let (wanted, granted) = Self.excess(requested, allowed) else { continue }
            diagnostics.error(
                "Error calling workflow '\(reference)'. The nested job '\(job.displayName)' is requesting '\(wanted)', but is only allowed '\(granted)'.",
                at: callerKey)
        }
    }

    /// The scopes where `requested` exceeds `allowed`, as GitHub lists them; nil when none does.
    static func excess(_ requested: Permissions, _ allowed: Permissions) -> (String, String)? {
        let scopes: [String]
        switch requested {
        case .readAll, .writeAll:
            scopes = Array(Permissions.knownScopes.prefix(13))
        case .scopes(let map):
            scopes = Permissions.knownScopes.filter { map[$0] != nil } + map.keys.filter { !Permissions.knownScopes.contains($0) }.sorted()
        }
        var wanted: [String] = []
        var granted: [String] = []
        for scope in scopes {
            let want = requested.level(for: scope)
            let have = allowed.level(for: scope)
            if want > have {
                wanted.append("\(scope): \(want.rawValue)")
                granted.append("\(scope): \(have.rawValue)")
            }
        }
        return wanted.isEmpty ? nil : (wanted.joined(separator: ", "), granted.joined(separator: ", "))
    }

    private static func countJobs(_ jobs: [Job]) -> Int {
        jobs.reduce(0) { $0 + 1 + countJobs($1.calledWorkflow?.jobs ?? []) }
    }
}
