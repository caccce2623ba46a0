import Foundation
import Testing

@testable import Expressions

/// Runs GitHub's shared expression test vectors (actions/languageservices, "x-lang" format),
/// loaded at test time from `shared/testdata/actions-languageservices/expressions/testdata`.
@Suite struct ExpressionVectorTests {
    @Test(arguments: VectorData.fileNames)
    func vectorFile(_ fileName: String) throws {
        let cases = try VectorData.cases(in: fileName)  // coerce_boolean.json is intentionally empty
        var failures: [String] = []
        for vector in cases {
            if let problem = vector.run() {
                failures.append("\(fileName) › \(vector.group) › \(vector.expression.debugDescription): \(problem)")
            }
        }
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
    }

    @Test func allVectorsArePresent() throws {
        var total = 0
        for fileName in VectorData.fileNames { total += try VectorData.cases(in: fileName).count }
        print("expression vectors: \(total) cases in \(VectorData.fileNames.count) files")
        #expect(VectorData.fileNames.count >= 28)
        #expect(total >= 1_000, "expected about 1,020 vectors, found \(total)")
    }
}

/// One test vector.
struct ExpressionVector: Sendable {
    let group: String
    let expression: String
    let contexts: ObjectValue?
    let expected: Value  // {kind, value} for results or errors

    /// nil on success, otherwise what went wrong.
    func run() -> String? {
        let allowed = Set(contexts?.keys ?? [])
        let context = EvaluationContext(contexts: contexts ?? ObjectValue())
        let expectedKind = expected["kind"]?.stringValue ?? "?"
        let expectedValue = expected["value"] ?? .null
        let isError = ["lexing", "parsing", "evaluation"].contains(expectedKind)
        do {
            let parsed = try Expression(expression, allowedContexts: allowed)
            let result = try parsed.evaluate(context)
            if isError { return "expected \(expectedKind) error \(expectedValue.coercedString.debugDescription), got \(describe(result))" }
            guard result.kindName == expectedKind else {
                return "expected \(expectedKind) \(expectedValue.toJSON()), got \(describe(result))"
            }
            guard VectorComparison.matches(result, expectedValue) else {
                return "expected \(expectedValue.toJSON()), got \(result.toJSON())"
            }
            return nil
        } catch {
            guard isError else { return "expected \(expectedKind) \(expectedValue.toJSON()), got \(error.kind) error: \(error.message)" }
            guard error.kind.rawValue == expectedKind else {
                return "expected a \(expectedKind) error, got \(error.kind): \(error.message)"
            }
            let fragment = expectedValue.coercedString
            guard error.message.contains(fragment) else {
                return "expected a message containing \(fragment.debugDescription), got \(error.message.debugDescription)"
            }
            return nil
        }
    }

    private func describe(_ value: Value) -> String {
        "\(value.kindName) \(value.toJSON())"
    }
}

/// Structural comparison for expected results (numbers by value, objects by key order).
enum VectorComparison {
    static func matches(_ actual: Value, _ expected: Value) -> Bool {
        switch (actual, expected) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && matches($0.value, $1.value) }
        default: return false
        }
    }
}

/// Finds and loads the vector files.
enum VectorData {
    static let relativePath = "shared/testdata/actions-languageservices/expressions/testdata"

    /// Walks up from this source file until a directory contains the shared test data.
    static let directory: URL? = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()

    static let fileNames: [String] = {
        guard let directory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return ["<test data not found: \(relativePath)>"] }
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func cases(in fileName: String) throws -> [ExpressionVector] {
        guard let directory else {
            throw DataError(message: "could not find \(relativePath) above \(#filePath)")
        }
        let data = try Data(contentsOf: directory.appendingPathComponent(fileName))
        let document = try Value(jsonText: String(decoding: data, as: UTF8.self))
        guard let groups = document.objectValue else { throw DataError(message: "\(fileName) is not an object") }
        var result: [ExpressionVector] = []
        for (group, list) in groups.entries {
            for item in list.arrayValue ?? [] {
                guard let expression = item["expr"]?.stringValue, let expected = item["result"] ?? item["err"] else {
                    throw DataError(message: "malformed case in \(fileName) › \(group)")
                }
                result.append(ExpressionVector(
                    group: group, expression: expression, contexts: item["contexts"]?.objectValue, expected: expected))
            }
        }
        return result
    }

    struct DataError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
