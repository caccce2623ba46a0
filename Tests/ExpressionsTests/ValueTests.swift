import Testing

@testable import Expressions

@Suite struct JSONParserTests {
    @Test func keepsKeyOrder() throws {
        let value = try Value(jsonText: #"{"zeta": 1, "alpha": {"y": true, "b": null, "x": []}, "Mid": "m"}"#)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "Mid"])
        #expect(value["alpha"]?.objectValue?.keys == ["y", "b", "x"])
        #expect(value["mid"] == .string("m"))  // case-insensitive lookup
        #expect(value.toJSON() == """
            {
              "zeta": 1,
              "alpha": {
                "y": true,
                "b": null,
                "x": []
              },
              "Mid": "m"
            }
            """)
    }

    @Test func repeatedKeysReplaceInPlace() throws {
        let value = try Value(jsonText: #"{"a": 1, "b": 2, "A": 3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == .number(3))
    }

    @Test func scalarsAndEscapes() throws {
        #expect(try Value(jsonText: " null ") == .null)
        #expect(try Value(jsonText: "-0.5e2") == .number(-50))
        #expect(try Value(jsonText: "12345678901234567890") == .number(12345678901234567168))
        #expect(try Value(jsonText: #""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
        #expect(try Value(jsonText: "[1, [2, [3]], {}]") == [1, [2, [3]], [:]])
    }

    @Test func rejectsInvalidJSON() {
        for text in ["", "   ", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "'x'", "[1] 2", "\"abc", "{\"a\":1,}", "NaN"] {
            #expect(throws: ExpressionError.self, "\(text)") { try Value(jsonText: text) }
        }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: ExpressionError.self) { try Value(jsonText: deep) }
    }

    @Test func fromJSONReportsEvaluationErrors() {
        let error = #expect(throws: ExpressionError.self) { try Expression("fromJSON('{oops}')").evaluate(EvaluationContext()) }
        #expect(error?.kind == .evaluation)
    }
}

@Suite struct ValueCoercionTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1, "1"), (-2.5, "-2.5"), (123456.789, "123456.789"),
        (0.84551240822557006, "0.84551240822557"), (0.1 + 0.2, "0.3"), (1e15, "1E+15"),
        (123456789012345680, "1.23456789012346E+17"), (999999999999999, "999999999999999"),
        (0.0001, "0.0001"), (0.00001, "1E-05"), (1.5e-7, "1.5E-07"), (-1.25e20, "-1.25E+20"),
        (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"), (Double.nan, "NaN"),
        (1e300, "1E+300"), (Double.leastNonzeroMagnitude, "4.94065645841247E-324"),
    ] as [(Double, String)])
    func numberFormatting(_ number: Double, _ text: String) {
        #expect(Value.number(number).coercedString == text)
    }

    @Test(arguments: [
        ("", 0.0), ("  ", 0), (" 12 ", 12), ("+1.5", 1.5), ("-.5", -0.5), ("1e3", 1000), ("1E-2", 0.01),
        ("0x1F", 31), ("0xffffffff", -1), ("0o17", 15), ("Infinity", .infinity), ("-Infinity", -.infinity),
        ("\u{00A0}7\u{3000}", 7),
    ] as [(String, Double)])
    func numberParsing(_ text: String, _ number: Double) {
        #expect(Value.string(text).coercedNumber == number)
    }

    @Test(arguments: ["abc", "1.2.3", "0x", "0X1F", "-0x1", "0x1FFFFFFFF", "0o8", "1e", "e1", ".", "1_000", "inf", "nan", "NaN"])
    func numberParsingFailures(_ text: String) {
        #expect(Value.string(text).coercedNumber.isNaN)
    }

    @Test func truthiness() {
        let falsy: [Value] = [.null, false, 0, -0.0, .number(.nan), ""]
        let truthy: [Value] = [true, 1, -1, .number(.infinity), "0", "false", " ", [], [:]]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        #expect(truthy.allSatisfy { $0.isTruthy })
    }

    @Test func stringCoercion() {
        #expect(Value.null.coercedString == "")
        #expect(Value.bool(false).coercedString == "false")
        #expect(Value.array([1]).coercedString == "Array")
        #expect(Value.object(ObjectValue()).coercedString == "Object")
        #expect(Value.array([1]).coercedNumber.isNaN)
        #expect(Value.null.coercedNumber == 0 && Value.bool(true).coercedNumber == 1)
    }

    @Test func toJSONEscapesLikeGitHub() {
        #expect(Value.string("a\"b\\c\n\u{1}\u{2028}é/<>").toJSON() == #""a\"b\\c\n\u0001\u2028é/<>""#)
        #expect(Value.number(1e21).toJSON() == "1E+21")
        #expect(Value.array([.null, [:], []]).toJSON() == "[\n  null,\n  {},\n  []\n]")
    }
}

@Suite struct OrdinalIgnoreCaseTests {
    @Test func equalityAndOrdering() {
        #expect(OrdinalIgnoreCase.equals("Push", "pUSH"))
        #expect(!OrdinalIgnoreCase.equals("push", "pushed"))
        #expect(OrdinalIgnoreCase.equals("Straße", "STRAßE"))
        #expect(OrdinalIgnoreCase.equals("ς", "Σ"))
        #expect(!OrdinalIgnoreCase.equals("i", "İ"))
        #expect(OrdinalIgnoreCase.compare("a", "[") < 0)  // upper-case folding, like .NET
        #expect(OrdinalIgnoreCase.compare("abc", "ABD") < 0)
        #expect(OrdinalIgnoreCase.compare("b", "A") > 0)
        #expect(OrdinalIgnoreCase.compare("é", "É") == 0)
    }

    @Test func searching() {
        #expect(OrdinalIgnoreCase.contains("refs/heads/Main", "HEADS/m"))
        #expect(!OrdinalIgnoreCase.contains("abc", "abcd"))
        #expect(OrdinalIgnoreCase.contains("Grüße", "ÜSSE") == false)  // ß does not expand
        #expect(OrdinalIgnoreCase.contains("GRÜẞE", "ü"))
        #expect(OrdinalIgnoreCase.hasPrefix("Übung", "üB"))
        #expect(OrdinalIgnoreCase.hasSuffix("file.TXT", ".txt"))
        #expect(!OrdinalIgnoreCase.hasSuffix("txt", "a.txt"))
    }
}

@Suite struct VectorHarnessTests {
    /// The vector runner must notice wrong results, wrong kinds and wrong errors.
    @Test func harnessDetectsMismatches() {
        let wrongValue = ExpressionVector(group: "g", expression: "1 == 1", contexts: nil, expected: ["kind": "Boolean", "value": false])
        let wrongKind = ExpressionVector(group: "g", expression: "'1'", contexts: nil, expected: ["kind": "Number", "value": 1])
        let wrongError = ExpressionVector(group: "g", expression: "1 <", contexts: nil, expected: ["kind": "lexing", "value": "Unexpected"])
        let missingError = ExpressionVector(group: "g", expression: "1", contexts: nil, expected: ["kind": "parsing", "value": "x"])
        let right = ExpressionVector(group: "g", expression: "x.y", contexts: ObjectValue([("x", ["y": 2])]), expected: ["kind": "Number", "value": 2])
        #expect(wrongValue.run() != nil)
        #expect(wrongKind.run() != nil)
        #expect(wrongError.run() != nil)
        #expect(missingError.run() != nil)
        #expect(right.run() == nil)
    }
}
