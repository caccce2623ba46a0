import Testing

@testable import Expressions

@Suite struct TemplateTests {
    let context = EvaluationContext(contexts: ObjectValue([
        ("matrix", ["os": "ubuntu-latest", "node": 20, "include": [["a": 1], ["a": 2]]]),
        ("github", ["ref": "refs/heads/main", "event_name": "push"]),
        ("env", ["EMPTY": "", "NAME": "hearth"]),
    ]))

    @Test func literalTextStaysLiteral() throws {
        let template = try Template("plain text with } and { and $ {{ not an expression")
        #expect(template.isLiteral)
        #expect(template.expressions.isEmpty)
        #expect(try template.evaluate(context) == .string("plain text with } and { and $ {{ not an expression"))
        #expect(!Template.containsExpression("plain ${ {"))
        #expect(Template.containsExpression("a ${{ b }}"))
    }

    @Test func interpolatesCoercedStrings() throws {
        let template = try Template("build-${{ matrix.os }}-node${{ matrix.node }}${{ env.EMPTY }}.${{ matrix.missing }}!")
        #expect(!template.isLiteral)
        #expect(template.expressions.map(\.source) == ["matrix.os", "matrix.node", "env.EMPTY", "matrix.missing"])
        #expect(try template.evaluate(context) == .string("build-ubuntu-latest-node20.!"))
        #expect(try template.evaluateString(context) == "build-ubuntu-latest-node20.!")
    }

    @Test func arraysAndObjectsInterpolateAsKindNames() throws {
        let template = try Template("x=${{ matrix.include }} y=${{ matrix }} z=${{ 1.50 }} b=${{ true }}")
        #expect(try template.evaluateString(context) == "x=Array y=Object z=1.5 b=true")
    }

    @Test func singleExpressionPassesValueThrough() throws {
        #expect(try Template("${{ matrix.include }}").evaluate(context) == .array([["a": 1], ["a": 2]]))
        #expect(try Template("${{ matrix.node }}").evaluate(context) == .number(20))
        #expect(try Template("${{ github.event_name == 'push' }}").evaluate(context) == .bool(true))
        #expect(try Template("${{ matrix.nothing }}").evaluate(context) == .null)
        #expect(try Template("${{ fromJSON('{\"a\": [1, 2]}') }}").evaluate(context) == ["a": [1, 2]])
    }

    @Test func surroundingWhitespaceStillPassesNonStringsThrough() throws {
        #expect(try Template("  ${{ matrix.node }}\n").evaluate(context) == .number(20))
        #expect(try Template("\n${{ matrix.include }} ").evaluate(context) == .array([["a": 1], ["a": 2]]))
        // A string result keeps the surrounding text.
        #expect(try Template(" ${{ env.NAME }}\n").evaluate(context) == .string(" hearth\n"))
        #expect(try Template(" ${{ matrix.node }}\n").evaluateString(context) == "20")
    }

    @Test func closingBracesInsideStringLiterals() throws {
        #expect(try Template("${{ format('{{0}}', 1) }}").evaluate(context) == .string("{0}"))
        #expect(try Template("a${{ format('{0}}}', 1) }}b").evaluate(context) == .string("a1}b"))
        #expect(try Template("${{ '}}' }}").evaluate(context) == .string("}}"))
        #expect(try Template("${{ '{{ this is a literal }}' }}").evaluate(context) == .string("{{ this is a literal }}"))
    }

    @Test func escapedQuotes() throws {
        #expect(try Template("${{ 'it''s' }}").evaluate(context) == .string("it's"))
        #expect(try Template("say ${{ format('{0} ''}}''', 'it''s') }}").evaluate(context) == .string("say it's '}'"))
    }

    @Test func unterminatedExpressionIsAParsingError() {
        let error = #expect(throws: ExpressionError.self) { try Template("abc ${{ matrix.os ") }
        #expect(error?.kind == .parsing)
        #expect(error?.message.contains("${{") == true)
        #expect(error?.offset == 4)
        // A "}}" inside an unclosed string does not close the expression.
        #expect(throws: ExpressionError.self) { try Template("${{ 'abc }}") }
    }

    @Test func emptyExpressionIsAnError() {
        let error = #expect(throws: ExpressionError.self) { try Template("x ${{   }}") }
        #expect(error?.kind == .parsing)
        #expect(error?.message == "An expression was expected")
    }

    @Test func expressionErrorsReportOffsetsWithinTheTemplate() {
        let error = #expect(throws: ExpressionError.self) { try Template("ab ${{  1 < ) }}") }
        #expect(error?.kind == .parsing)
        #expect(error?.message == "Unexpected symbol: ')'. Located at position 5 within expression: 1 < )")
        #expect(error?.offset == 12)
    }

    @Test func restrictionsApplyToEveryExpression() {
        #expect(throws: ExpressionError.self) { try Template("${{ matrix.os }} ${{ secrets.X }}", allowedContexts: ["matrix"]) }
        #expect(throws: ExpressionError.self) { try Template("${{ hashFiles('x') }}", allowedFunctions: []) }
        #expect(throws: Never.self) { try Template("${{ MATRIX.os }}", allowedContexts: ["matrix"]) }
    }

    @Test func evaluationErrorsPropagate() throws {
        let template = try Template("x ${{ format('{0}') }}")
        let error = #expect(throws: ExpressionError.self) { try template.evaluate(context) }
        #expect(error?.kind == .evaluation)
    }
}
