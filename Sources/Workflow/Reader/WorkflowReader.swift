import Foundation

/// Reads workflow files into the `Workflow` model and validates them with GitHub's rules.
///
/// Every problem is collected (YAML errors, unknown or missing keys, invalid expressions, bad ids,
/// unknown `needs`, cycles, reusable-workflow calls, ...); when there is any, the read throws them
/// all, each with its file, line and column.
public struct WorkflowReader {
    /// Reads the workflow at `path`. Local reusable-workflow calls are resolved against the
    /// repository that contains `path` (the directory above `.github/`) unless
    /// `options.workflowProvider` says otherwise.
    public static func read(path: String, options: ReaderOptions = .default) throws(WorkflowErrors) -> Workflow {
        let (workflow, errors) = parse(path: path, options: options)
        guard let workflow, errors.isEmpty else { throw WorkflowErrors(errors) }
        return workflow
    }

    /// Reads workflow text; `file` is the name used in the model and in error locations.
    public static func read(yaml: String, file: String, options: ReaderOptions = .default) throws(WorkflowErrors) -> Workflow {
        let (workflow, errors) = parse(yaml: yaml, file: file, options: options)
        guard let workflow, errors.isEmpty else { throw WorkflowErrors(errors) }
        return workflow
    }

    /// All problems of the workflow at `path` (empty when it is valid).
    public static func validate(path: String, options: ReaderOptions = .default) -> [WorkflowError] {
        parse(path: path, options: options).errors
    }

    /// All problems of the workflow text (empty when it is valid).
    public static func validate(yaml: String, file: String, options: ReaderOptions = .default) -> [WorkflowError] {
        parse(yaml: yaml, file: file, options: options).errors
    }

    /// Reads without throwing: the model as far as it could be built (nil when the YAML itself
    /// could not be read) and every problem found.
    public static func parse(yaml: String, file: String, options: ReaderOptions = .default) -> (workflow: Workflow?, errors: [WorkflowError]) {
        let session = ReadSession(options: options)
        let workflow = session.readRoot(yaml: yaml, file: file)
        return (workflow, session.errors)
    }

    /// Reads the file at `path` without throwing (see `parse(yaml:file:options:)`).
    public static func parse(path: String, options: ReaderOptions = .default) -> (workflow: Workflow?, errors: [WorkflowError]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return (nil, [WorkflowError("Unable to read the file: \(error.localizedDescription)", file: path)])
        }
        var options = options
        if options.workflowProvider == nil {
            options.workflowProvider = ReaderOptions.localWorkflows(root: repositoryRoot(of: path))
        }
        return parse(yaml: text, file: path, options: options)
    }

    /// The directory above `.github/` in `path`, or the current directory.
    static func repositoryRoot(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let range = absolute.range(of: "/.github/", options: .backwards) {
            let root = String(absolute[..<range.lowerBound])
            return root.isEmpty ? "/" : root
        }
        return FileManager.default.currentDirectoryPath
    }
}
