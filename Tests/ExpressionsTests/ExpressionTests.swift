import Testing

@testable import Expressions

@Suite struct ExpressionTests {
    let context = EvaluationContext(
        contexts: ObjectValue([
            ("github", ["event_name": "push", "ref": "refs/heads/main", "event": ["labels": [["name": "bug"], ["name": "ci"]]]]),
            ("matrix", ["os": "linux", "list": [1, 2, 3]]),
            ("steps", ["build": ["outputs": ["a": "1"], "conclusion": "success"]]),
        ]),
        status: StatusFunctions(success: false, failure: true, cancelled: false),
        hashFiles: { patterns in "hash:" + patterns.joined(separator: "|") })

    func evaluate(_ source: String) throws -> Value {
        try Expression(source).evaluate(context)
    }

    @Test func typicalConditions() throws {
        #expect(try evaluate("github.event_name == 'push' && contains(github.ref, 'refs/heads/')") == .bool(true))
        #expect(try evaluate("GitHub.Event_Name == 'PUSH'") == .bool(true))
        #expect(try evaluate("startsWith(github.ref, 'refs/tags/') || matrix.os") == .string("linux"))
        #expect(try evaluate("steps.build.outputs.a == 1") == .bool(true))
        #expect(try evaluate("join(github.event.labels.*.name, ', ')") == .string("bug, ci"))
        #expect(try evaluate("contains(github.event.labels.*.name, 'CI')") == .bool(true))
        #expect(try evaluate("matrix.list[1]") == .number(2))
        #expect(try evaluate("toJSON(matrix.list)") == .string("[\n  1,\n  2,\n  3\n]"))
    }

    @Test func statusFunctions() throws {
        #expect(try evaluate("success()") == .bool(false))
        #expect(try evaluate("failure()") == .bool(true))
        #expect(try evaluate("cancelled()") == .bool(false))
        #expect(try evaluate("always()") == .bool(true))
        #expect(try Expression("success()").evaluate(EvaluationContext()) == .bool(true))
    }

    @Test func usesStatusFunction() throws {
        #expect(try Expression("success() && github.ref").usesStatusFunction)
        #expect(try Expression("!cancelled()").usesStatusFunction)
        #expect(try Expression("github.ref == format('{0}', always())").usesStatusFunction)
        #expect(try Expression("matrix[failure()]").usesStatusFunction)
        #expect(try Expression("FAILURE()").usesStatusFunction)
        #expect(try !Expression("github.success == 'success()'").usesStatusFunction)
        #expect(try !Expression("hashFiles('**/x')").usesStatusFunction)
        #expect(try !Expression("").usesStatusFunction)
    }

    @Test func referencedContexts() throws {
        #expect(try Expression("GitHub.ref && env.X || format('{0}', Matrix.os[inputs.i])").referencedContexts
            == ["github", "env", "matrix", "inputs"])
        #expect(try Expression("1 == 1").referencedContexts.isEmpty)
    }

    @Test func allowedContextsRejectOtherNames() throws {
        let allowed: Set<String> = ["github", "Matrix"]
        #expect(throws: Never.self) { try Expression("GITHUB.ref && matrix.os", allowedContexts: allowed) }
        let error = #expect(throws: ExpressionError.self) { try Expression("github.ref && secrets.TOKEN", allowedContexts: allowed) }
        #expect(error?.kind == .parsing)
        #expect(error?.message == "Unrecognized named-value: 'secrets'. Located at position 15 within expression: github.ref && secrets.TOKEN")
        #expect(error?.offset == 14)
        // Property names are not contexts.
        #expect(throws: Never.self) { try Expression("github.secrets", allowedContexts: allowed) }
    }

    @Test func allowedFunctionsGateRestrictedFunctions() throws {
        // nil: everything allowed.
        #expect(throws: Never.self) { try Expression("hashFiles('a') && success()") }
        // Built-ins are always allowed.
        #expect(throws: Never.self) { try Expression("format('{0}', toJSON(fromJSON('1')))", allowedFunctions: []) }
        let error = #expect(throws: ExpressionError.self) { try Expression("success() && hashFiles('a')", allowedFunctions: ["success"]) }
        #expect(error?.message.hasPrefix("Unrecognized function: 'hashFiles'. Located at position 14") == true)
        #expect(throws: Never.self) { try Expression("Success() && HASHFILES('a')", allowedFunctions: ["success", "hashfiles"]) }
        #expect(throws: ExpressionError.self) { try Expression("always()", allowedFunctions: ["success", "failure", "cancelled"]) }
        #expect(throws: ExpressionError.self) { try Expression("noSuchFunction()") }
    }

    @Test func functionNamesAreCaseInsensitive() throws {
        #expect(try evaluate("TOJSON(FromJson('[]'))") == .string("[]"))
        #expect(try evaluate("STARTSWITH('Hearth', 'hea')") == .bool(true))
    }

    @Test func hashFilesUsesTheClosure() throws {
        #expect(try evaluate("hashFiles('**/package-lock.json', '!x')") == .string("hash:**/package-lock.json|!x"))
        let error = #expect(throws: ExpressionError.self) { try Expression("hashFiles('a')").evaluate(EvaluationContext()) }
        #expect(error?.kind == .evaluation)
        struct Failure: Error {}
        let failing = EvaluationContext(hashFiles: { _ in throw Failure() })
        #expect(throws: ExpressionError.self) { try Expression("hashFiles('a')").evaluate(failing) }
    }

    @Test func logicalOperatorsReturnOperands() throws {
        #expect(try evaluate("matrix.os && matrix.list") == .array([1, 2, 3]))
        #expect(try evaluate("matrix.nope || 'fallback'") == .string("fallback"))
        #expect(try evaluate("'' && fromJSON('bad json')") == .string(""))  // short-circuits
    }

    @Test func filteredArraysSurviveGroupingAndLogicalOperators() throws {
        #expect(try evaluate("(github.event.labels.*)[0]") == .array([]))
        #expect(try evaluate("(github.event.labels.* || 1).name") == .array(["bug", "ci"]))
        #expect(try evaluate("case(true, github.event.labels.*, 1).name") == .array(["bug", "ci"]))
        // A real array (not filtered) is indexed normally.
        #expect(try evaluate("fromJSON('[[1,2],[3,4]]')[1]") == .array([3, 4]))
        #expect(try evaluate("fromJSON('[[1,2],[3,4]]')[*][1]") == .array([2, 4]))
    }

    @Test func objectsAndArraysCompareByIdentity() throws {
        #expect(try evaluate("matrix == matrix") == .bool(true))
        #expect(try evaluate("matrix.list == matrix.list") == .bool(true))
        #expect(try evaluate("fromJSON('{}') == fromJSON('{}')") == .bool(false))
        #expect(try evaluate("fromJSON('[1]') == fromJSON('[1]')") == .bool(false))
        #expect(try evaluate("contains(fromJSON('[1, \"a\", null]'), 'A')") == .bool(true))
    }

    @Test func emptyExpressionIsNull() throws {
        #expect(try evaluate("") == .null)
        #expect(try evaluate("   ") == .null)
    }

    @Test func errorsUseGitHubWording() {
        let cases: [(String, ExpressionError.Kind, String)] = [
            ("1 < )", .parsing, "Unexpected symbol: ')'. Located at position 5 within expression: 1 < )"),
            ("github.", .parsing, "Unexpected end of expression: '.'. Located at position 7 within expression: github."),
            ("(1", .parsing, "Unexpected end of expression: '1'. Located at position 2 within expression: (1"),
            ("format('{0}'", .parsing, "Unexpected end of expression: ''{0}''. Located at position 8 within expression: format('{0}'"),
            ("a == 'b", .lexing, "Unexpected symbol: ''b'. Located at position 6 within expression: a == 'b"),
            ("join()", .parsing, "Too few parameters supplied: 'join'. Located at position 1 within expression: join()"),
        ]
        for (source, kind, message) in cases {
            let error = #expect(throws: ExpressionError.self, "\(source)") {
                try Expression(source, allowedContexts: ["a", "github"])
            }
            #expect(error?.kind == kind, "\(source)")
            #expect(error?.message == message, "\(source)")
        }
    }

    @Test func errorOffsetsCountCharacters() {
        let error = #expect(throws: ExpressionError.self) { try Expression("'👩‍👩‍👧' == x", allowedContexts: []) }
        #expect(error?.message.contains("Located at position 15") == true)  // UTF-16, as GitHub counts
        #expect(error?.offset == 7)  // Characters
    }

    @Test func depthAndLengthLimits() throws {
        let deepButParenthesized = String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)
        #expect(try Expression(deepButParenthesized).evaluate(context) == .number(1))
        let tooDeep = String(repeating: "!", count: 5_000) + "true"
        let depthError = #expect(throws: ExpressionError.self) { try Expression(tooDeep) }
        #expect(depthError?.message == "Exceeded max expression depth 50")
        let manyParens = String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000)
        #expect(throws: ExpressionError.self) { try Expression(manyParens) }
        let tooLong = "'" + String(repeating: "a", count: 21_000) + "'"
        let lengthError = #expect(throws: ExpressionError.self) { try Expression(tooLong) }
        #expect(lengthError?.message == "Exceeded max expression length 21000")
    }

    @Test func memoryLimitStopsRunawayStrings() throws {
        let big = EvaluationContext(contexts: ObjectValue([("x", .string(String(repeating: "x", count: 100_000)))]))
        let four = "format('{0}{0}{0}{0}', x)"  // 400,000 UTF-16 units ≈ 800 KB as GitHub counts
        #expect(try Expression(four).evaluate(big).stringValue?.utf16.count == 400_000)
        let six = "format('{0}{0}{0}{0}{0}{0}', x)"
        let error = #expect(throws: ExpressionError.self) { try Expression(six).evaluate(big) }
        #expect(error?.kind == .evaluation)
        #expect(error?.message == "The maximum allowed memory size was exceeded while evaluating the following expression: \(six)")
        // Finished comparisons release what they built; live siblings add up.
        #expect(try Expression("\(four) == 'a' || \(four) == 'b' || \(four) == 'c'").evaluate(big) == .bool(false))
        #expect(throws: ExpressionError.self) { try Expression("startsWith(\(four), \(four))").evaluate(big) }
        #expect(throws: ExpressionError.self) { try Expression("join(fromJSON('[1,2,3,4,5,6]'), \(four))").evaluate(big) }
    }
}
