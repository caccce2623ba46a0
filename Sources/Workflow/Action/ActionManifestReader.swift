import Foundation

/// Reads action metadata files (`action.yml` / `action.yaml`) into `ActionManifest`.
///
/// The YAML is loaded with the workflow reader's rules (YAML 1.2 core schema, GitHub's tags, no
/// anchors, duplicate keys reported), checked against the action schema (`ActionSchema`), and every
/// `${{ }}` is syntax-checked with the contexts allowed where it appears. All problems are
/// collected; when there is any, the read throws them all, each with its file, line and column.
public enum ActionManifestReader {
    /// The metadata file names, in the order they are looked for.
    public static let manifestNames = ["action.yml", "action.yaml"]

    /// Reads the metadata file at `path`.
    public static func read(path: String) throws(WorkflowErrors) -> ActionManifest {
        try result(parse(path: path))
    }

    /// Reads metadata text; `file` is the name used in the model and in error locations.
    public static func read(yaml: String, file: String) throws(WorkflowErrors) -> ActionManifest {
        try result(parse(yaml: yaml, file: file))
    }

    /// Finds `action.yml`, else `action.yaml`, in `directory` and reads it.
    public static func read(directory: String) throws(WorkflowErrors) -> ActionManifest {
        guard let path = manifestPath(in: directory) else {
            throw WorkflowErrors([missingManifest(in: directory)])
        }
        return try read(path: path)
    }

    /// The path of `action.yml`, else `action.yaml`, in `directory`; nil when neither exists.
    public static func manifestPath(in directory: String) -> String? {
        for name in manifestNames {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return path
            }
        }
        return nil
    }

    /// All problems of the metadata text (empty when it is valid).
    public static func validate(yaml: String, file: String) -> [WorkflowError] {
        parse(yaml: yaml, file: file).errors
    }

    /// All problems of the metadata file at `path` (empty when it is valid).
    public static func validate(path: String) -> [WorkflowError] {
        parse(path: path).errors
    }

    /// Reads without throwing: the manifest (nil when the YAML could not be read or `runs:` could
    /// not be understood) and every problem found.
    public static func parse(yaml: String, file: String) -> (manifest: ActionManifest?, errors: [WorkflowError]) {
        let diagnostics = Diagnostics(file: file)
        // The runner's limits for action files: no file-size limit of its own, depth 100, 10 MB.
        let limits = ReaderLimits(maxFileSize: nil, maxDepth: 100, maxResultSize: 10_485_760, fileNameForSize: file)
        var loader = YAMLLoader(limits: limits, diagnostics: diagnostics)
        loader.emptyDocumentMessage = "The action metadata file is empty"
        guard let raw = loader.load(yaml) else { return (nil, diagnostics.errors) }
        guard raw.mapping != nil else {
            diagnostics.error("An action metadata file must be a mapping (name, description, inputs, outputs, runs)",
                              at: raw)
            return (nil, diagnostics.errors)
        }
        let validated = TemplateReader(diagnostics: diagnostics, allowBackgroundSteps: false, schema: ActionSchema.shared)
            .read(raw, as: ActionSchema.root)
        let manifest = ActionConverter(diagnostics: diagnostics).convert(validated)
        return (manifest, diagnostics.errors)
    }

    /// Reads the file at `path` without throwing (see `parse(yaml:file:)`).
    public static func parse(path: String) -> (manifest: ActionManifest?, errors: [WorkflowError]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            if !FileManager.default.fileExists(atPath: path) {
                return (nil, [WorkflowError("The action metadata file does not exist", file: path)])
            }
            return (nil, [WorkflowError("Unable to read the file: \(error.localizedDescription)", file: path)])
        }
        return parse(yaml: text, file: path)
    }

    private static func result(_ parsed: (manifest: ActionManifest?, errors: [WorkflowError])) throws(WorkflowErrors)
        -> ActionManifest {
        guard let manifest = parsed.manifest, parsed.errors.isEmpty else {
            throw WorkflowErrors(parsed.errors.isEmpty
                ? [WorkflowError("The action metadata could not be read", file: nil)] : parsed.errors)
        }
        return manifest
    }

    private static func missingManifest(in directory: String) -> WorkflowError {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
        let message = exists
            ? "Can't find 'action.yml' or 'action.yaml' under '\(directory)'."
            : "Can't find 'action.yml' or 'action.yaml' under '\(directory)': the directory does not exist."
        return WorkflowError(message, file: directory)
    }
}
