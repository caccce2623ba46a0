import Foundation
import Testing
import Workflow

/// One file of GitHub's reader corpus (actions/languageservices workflow-parser testdata):
/// options, the workflow, called workflows, and the expected verdict.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    let workflow: String
    let calledWorkflows: [String: String]
    let options: ReaderOptions
    /// Expected error messages (empty when the workflow is accepted).
    let expectedErrors: [String]

    var testDescription: String { name }

    var file: String { ".github/workflows/\(name)" }

    /// The directory of the corpus: found by walking up from this source file until a directory
    /// contains `shared/testdata/actions-languageservices`.
    static let directory: URL? = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("shared/testdata/actions-languageservices")
            if FileManager.default.fileExists(atPath: candidate.path) {
                return candidate.appendingPathComponent("workflow-parser/testdata/reader")
            }
            url.deleteLastPathComponent()
        }
        return nil
    }()

    static let all: [CorpusCase] = {
        guard let directory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().compactMap { name in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            return CorpusCase(name: name, text: text)
        }
    }()

    init?(name: String, text: String) {
        let documents = text.normalizedNewlines.components(separatedBy: "\n---\n")
        guard documents.count >= 3 else { return nil }
        self.name = name
        let header = Self.header(documents[0])
        workflow = documents[1]
        var called: [String: String] = [:]
        // As GitHub's harness does: only files named "...reusable..." supply called workflows.
        if name.contains("reusable") {
            var index = 2
            while index + 1 < documents.count - 1 {
                called[documents[index].trimmingCharacters(in: .whitespacesAndNewlines)] = documents[index + 1]
                index += 2
            }
        }
        calledWorkflows = called
        expectedErrors = Self.expectedErrors(documents[documents.count - 1])

        var options = ReaderOptions()
        if let value = header["max-file-size"].flatMap(Int.init) { options.maxFileSize = value }
        if let value = header["max-depth"].flatMap(Int.init) { options.maxDepth = value }
        if let value = header["max-result-size"].flatMap(Int.init) { options.maxResultSize = value }
        if let value = header["max-job-limit"].flatMap(Int.init) { options.maxJobs = value }
        if let value = header["max-nested-reusable-workflows-depth"].flatMap(Int.init) {
            options.maxReusableWorkflowDepth = value
        }
        switch header["permissions-policy"] {
        case "LimitedRead": options.defaultPermissions = ReaderOptions.limitedReadPermissions
        case "Write": options.defaultPermissions = .writeAll
        default: break
        }
        options.allowBackgroundSteps = header["allowBackgroundSteps"] == "true"
        if header["skip-reusable-workflows"] != "true" {
            let workflows = called
            options.workflowProvider = { reference, _ in
                workflows[reference].map { WorkflowSource(file: reference, content: $0) }
            }
        }
        self.options = options
    }

    /// `key: value` lines of the header document (comments dropped, nesting ignored).
    private static func header(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = content.firstIndex(of: ":") else { continue }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, !key.hasPrefix("-") { result[key] = value }
        }
        return result
    }

    private static func expectedErrors(_ json: String) -> [String] {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let errors = object["errors"] as? [[String: Any]] else { return [] }
        return errors.compactMap { $0["Message"] as? String }
    }

    /// The file, line and column of an expected message, when it has `(Line: L, Col: C)`.
    static func position(of message: String) -> (file: String?, line: Int, column: Int)? {
        guard let open = message.range(of: " (Line: "),
              let comma = message.range(of: ", Col: ", range: open.upperBound..<message.endIndex),
              let close = message.range(of: ")", range: comma.upperBound..<message.endIndex),
              let line = Int(message[open.upperBound..<comma.lowerBound]),
              let column = Int(message[comma.upperBound..<close.lowerBound]) else { return nil }
        let file = String(message[..<open.lowerBound])
        return (file.hasPrefix("In ") ? nil : file, line, column)
    }
}

extension String {
    var normalizedNewlines: String { replacingOccurrences(of: "\r\n", with: "\n") }
}
