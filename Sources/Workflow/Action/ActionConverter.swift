/// Converts a schema-checked action metadata document into an `ActionManifest`, checking what the
/// schema table cannot: the `using:` value and the `runs:` keys each kind accepts and requires.
struct ActionConverter {
    let diagnostics: Diagnostics

    /// The accepted `using:` values, in the order the error message lists them.
    static let acceptedUsing = ["composite", "node12", "node16", "node20", "node24", "docker"]

    private static let nodeKeys = ["main", "pre", "pre-if", "post", "post-if"]
    private static let dockerKeys = ["image", "entrypoint", "args", "env", "pre-entrypoint", "pre-if", "post-entrypoint", "post-if"]
    private static let compositeKeys = ["steps"]

    static let stepIfContext = AllowedContext(ActionSchema.stepIfContext)
    static let runsIfContext = AllowedContext(ActionSchema.runsIfContext)

    /// The manifest, or nil when `runs:` is missing or could not be understood (errors are recorded).
    func convert(_ root: Token) -> ActionManifest? {
        var name: String?
        var description: String?
        var author: String?
        var inputs = OrderedMap<ActionInput>()
        var outputs = OrderedMap<ActionOutput>()
        var runs: ActionRuns?
        for pair in root.mapping ?? [] {
            let value = pair.value
            switch pair.key.string {
            case "name": name = TokenValues.text(value)
            case "description": description = TokenValues.text(value)
            case "author": author = TokenValues.text(value)
            case "inputs": inputs = Self.inputs(value)
            case "outputs": outputs = Self.outputs(value)
            case "runs": runs = self.runs(value)
            default: break
            }
        }
        guard let runs else { return nil }
        return ActionManifest(file: diagnostics.file, name: name, description: description, author: author,
                              inputs: inputs, outputs: outputs, runs: runs)
    }

    // MARK: - Inputs and outputs

    private static func inputs(_ token: Token) -> OrderedMap<ActionInput> {
        var result = OrderedMap<ActionInput>()
        for pair in token.mapping ?? [] {
            guard let name = pair.key.string else { continue }
            var input = ActionInput()
            for field in pair.value.mapping ?? [] {
                switch field.key.string {
                case "description": input.description = TokenValues.text(field.value)
                case "required": input.required = Self.isTrue(field.value)
                case "default": input.defaultValue = TokenValues.text(field.value) ?? ""
                case "deprecationMessage": input.deprecationMessage = TokenValues.text(field.value)
                default: break
                }
            }
            result.append(name, input)
        }
        return result
    }

    /// `true`, or a string that says true in any case (`"true"`, `'True'`).
    private static func isTrue(_ token: Token) -> Bool {
        switch token.kind {
        case .bool(let value): return value
        case .string(let value, _): return value.trimmingWhitespace().lowercased() == "true"
        default: return false
        }
    }

    private static func outputs(_ token: Token) -> OrderedMap<ActionOutput> {
        var result = OrderedMap<ActionOutput>()
        for pair in token.mapping ?? [] {
            guard let name = pair.key.string else { continue }
            var output = ActionOutput()
            for field in pair.value.mapping ?? [] {
                switch field.key.string {
                case "description": output.description = TokenValues.text(field.value)
                case "value": output.value = TokenValues.text(field.value)
                default: break
                }
            }
            result.append(name, output)
        }
        return result
    }

    // MARK: - Runs

    private func runs(_ token: Token) -> ActionRuns? {
        guard let pairs = token.mapping else { return nil }
        var fields: [String: Token] = [:]
        var keys: [Token] = []
        for pair in pairs {
            guard let key = pair.key.string else { continue }
            fields[key] = pair.value
            keys.append(pair.key)
        }
        // A missing `using:` and an expression in it were reported by the template reader.
        guard let usingToken = fields["using"], let written = usingToken.string, !written.isEmpty,
              !TemplateScanner.containsExpression(written) else { return nil }
        let using = written.lowercased()

        let accepted: [String]
        let required: String
        switch using {
        case "composite": (accepted, required) = (Self.compositeKeys, "steps")
        case "node12", "node16", "node20", "node24": (accepted, required) = (Self.nodeKeys, "main")
        case "docker": (accepted, required) = (Self.dockerKeys, "image")
        default:
            let list = Self.acceptedUsing.dropLast().map { "'\($0)'" }.joined(separator: ", ")
                + " or '\(Self.acceptedUsing.last ?? "")'"
            diagnostics.error("'using: \(written)' is not supported, use \(list) instead.", at: usingToken)
            return nil
        }

        var valid = true
        for key in keys {
            guard let name = key.string, name != "using", !accepted.contains(name) else { continue }
            diagnostics.error(
                "Unexpected value '\(name)' ('using: \(written)' accepts \(accepted.joined(separator: ", ")))", at: key)
            valid = false
        }
        guard let requiredToken = fields[required] else {
            diagnostics.error("Required property is missing: \(required)", at: token)
            return nil
        }
        for key in ["pre-if", "post-if"] {
            if let condition = fields[key] { checkCondition(condition) }
        }

        switch using {
        case "composite":
            guard requiredToken.sequence != nil else { return nil }
            var converter = StepConverter(diagnostics: diagnostics)
            converter.ifContext = Self.stepIfContext
            return valid ? .composite(steps: converter.convert(requiredToken)) : nil
        case "docker":
            guard let image = TokenValues.text(requiredToken) else { return nil }
            var docker = DockerRuns(image: image)
            docker.env = fields["env"].map(TokenValues.stringMap) ?? OrderedMap()
            docker.entrypoint = fields["entrypoint"].flatMap(TokenValues.text)
            docker.args = fields["args"]?.sequence?.map(\.templateText) ?? []
            docker.preEntrypoint = fields["pre-entrypoint"].flatMap(TokenValues.text)
            docker.preIf = fields["pre-if"].flatMap(TokenValues.text)
            docker.postEntrypoint = fields["post-entrypoint"].flatMap(TokenValues.text)
            docker.postIf = fields["post-if"].flatMap(TokenValues.text)
            return valid ? .docker(docker) : nil
        default:
            guard let main = TokenValues.text(requiredToken) else { return nil }
            let node = NodeRuns(
                using: using, main: main,
                pre: fields["pre"].flatMap(TokenValues.text), preIf: fields["pre-if"].flatMap(TokenValues.text),
                post: fields["post"].flatMap(TokenValues.text), postIf: fields["post-if"].flatMap(TokenValues.text))
            return valid ? .node(node) : nil
        }
    }

    /// Checks a bare `pre-if` / `post-if` condition (one written as `${{ }}` was checked by the
    /// template reader).
    private func checkCondition(_ token: Token) {
        guard case .string(let text, _) = token.kind, !TemplateScanner.containsExpression(text) else { return }
        _ = ConditionConverter.convert(token, context: Self.runsIfContext, diagnostics: diagnostics)
    }
}
