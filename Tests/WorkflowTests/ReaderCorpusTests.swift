import Foundation
import Testing
import Workflow

/// GitHub's reader corpus: our accept/reject verdict must agree with the expected one for every
/// file, and for rejected files our first error must be at the expected line and column.
@Suite struct ReaderCorpusTests {
    /// Files where we deliberately differ from the expectation, with the reason.
    static let deliberateDifferences: [String: String] = [
        "on-workflow_dispatch-unknown-keys-ignored.yml":
            "unknown keys under an event are errors (as events-single-invalid.yml expects); GitHub's C# parser ignores them",
    ]

    @Test func corpusIsPresent() {
        #expect(CorpusCase.directory != nil, "shared/testdata/actions-languageservices not found above \(#filePath)")
        #expect(CorpusCase.all.count > 150)
    }

    @Test(arguments: CorpusCase.all)
    func verdict(_ corpusCase: CorpusCase) {
        let errors = WorkflowReader.validate(yaml: corpusCase.workflow, file: corpusCase.file, options: corpusCase.options)
        let expectReject = !corpusCase.expectedErrors.isEmpty
        let agrees = errors.isEmpty != expectReject
        if let reason = Self.deliberateDifferences[corpusCase.name] {
            #expect(!agrees, "listed as a deliberate difference (\(reason)) but the verdict agrees now")
            return
        }
        #expect(agrees, """
            expected \(expectReject ? "rejection: \(corpusCase.expectedErrors)" : "acceptance")
            got: \(errors.map(\.description))
            """)
        guard agrees, expectReject, let first = errors.first,
              let expected = CorpusCase.position(of: corpusCase.expectedErrors[0]) else { return }
        #expect(first.location?.line == expected.line && first.location?.column == expected.column,
                "first error \(first) but expected \(corpusCase.expectedErrors[0])")
        if let file = expected.file {
            #expect(first.location?.file == file, "first error \(first) but expected \(corpusCase.expectedErrors[0])")
        }
    }

    @Test func summary() {
        var agree = 0
        for corpusCase in CorpusCase.all {
            let errors = WorkflowReader.validate(yaml: corpusCase.workflow, file: corpusCase.file, options: corpusCase.options)
            if errors.isEmpty == corpusCase.expectedErrors.isEmpty { agree += 1 }
        }
        print("Reader corpus: \(agree) agree / \(CorpusCase.all.count) total")
    }
}
