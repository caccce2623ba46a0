import Expressions
import Testing

@testable import Engine

@Suite("Matrix expansion")
struct MatrixExpanderTests {
    private func object(_ value: Value) -> ObjectValue {
        guard case .object(let object) = value else { fatalError("not an object literal") }
        return object
    }

    private func expand(_ matrix: Value) throws -> [ObjectValue] {
        try MatrixExpander.expand(matrix).map(\.values)
    }

    // MARK: - Cross product

    @Test func crossProductInKeyOrderFirstVectorSlowest() throws {
        let result = try expand(["os": ["ubuntu", "windows"], "node": [18, 20]])
        #expect(result == [
            object(["os": "ubuntu", "node": 18]),
            object(["os": "ubuntu", "node": 20]),
            object(["os": "windows", "node": 18]),
            object(["os": "windows", "node": 20]),
        ])
    }

    @Test func singleVector() throws {
        let result = try expand(["node": [10, 12, 14]])
        #expect(result == [object(["node": 10]), object(["node": 12]), object(["node": 14])])
    }

    @Test func vectorValuesMayBeObjectsAndArrays() throws {
        let result = try expand(["cfg": [["cc": "gcc", "flags": ["-O2"]], ["cc": "clang"]]])
        #expect(result.count == 2)
        #expect(result[0]["cfg"] == ["cc": "gcc", "flags": ["-O2"]])
    }

    @Test func nullAndEmptyMatrixGiveOneEmptyCombination() throws {
        for matrix: Value in [.null, .object(ObjectValue())] {
            let result = try MatrixExpander.expand(matrix)
            #expect(result.count == 1)
            #expect(result[0].values.isEmpty)
            #expect(MatrixExpander.displayName(jobName: "build", combination: result[0]) == "build")
        }
    }

    // MARK: - GitHub documentation examples

    /// "Expanding or adding matrix configurations" — the fruit/animal example, six jobs.
    @Test func documentedFruitAnimalIncludeExample() throws {
        let matrix: Value = [
            "fruit": ["apple", "pear"],
            "animal": ["cat", "dog"],
            "include": [
                ["color": "green"],
                ["color": "pink", "animal": "cat"],
                ["fruit": "apple", "shape": "circle"],
                ["fruit": "banana"],
                ["fruit": "banana", "animal": "cat"],
            ],
        ]
        let result = try expand(matrix)
        #expect(result == [
            object(["fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"]),
            object(["fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"]),
            object(["fruit": "pear", "animal": "cat", "color": "pink"]),
            object(["fruit": "pear", "animal": "dog", "color": "green"]),
            object(["fruit": "banana"]),
            object(["fruit": "banana", "animal": "cat"]),
        ])
    }

    /// "Excluding matrix configurations": 12 configurations minus one full and two partial matches.
    @Test func documentedExcludeExample() throws {
        let matrix: Value = [
            "os": ["macos-latest", "windows-latest"],
            "version": [12, 14, 16],
            "environment": ["staging", "production"],
            "exclude": [
                ["os": "macos-latest", "version": 12, "environment": "production"],
                ["os": "windows-latest", "version": 16],
            ],
        ]
        let result = try expand(matrix)
        #expect(result.count == 9)
        #expect(!result.contains(object(["os": "macos-latest", "version": 12, "environment": "production"])))
        #expect(!result.contains { $0["os"] == "windows-latest" && $0["version"] == 16 })
        #expect(result.contains(object(["os": "macos-latest", "version": 12, "environment": "staging"])))
        #expect(result.first == object(["os": "macos-latest", "version": 12, "environment": "staging"]))
    }

    /// "Adding configurations": 9 product jobs plus windows/17 as a tenth.
    @Test func documentedIncludeAddsNewConfiguration() throws {
        let matrix: Value = [
            "os": ["macos-latest", "windows-latest", "ubuntu-latest"],
            "version": [12, 14, 16],
            "include": [["os": "windows-latest", "version": 17]],
        ]
        let result = try expand(matrix)
        #expect(result.count == 10)
        #expect(result.last == object(["os": "windows-latest", "version": 17]))
    }

    /// "Expanding configurations": the include adds `npm: 6` only to windows/16.
    @Test func documentedIncludeExpandsMatchingConfiguration() throws {
        let matrix: Value = [
            "os": ["windows-latest", "ubuntu-latest"],
            "node": [14, 16],
            "include": [["os": "windows-latest", "node": 16, "npm": 6]],
        ]
        let result = try expand(matrix)
        #expect(result == [
            object(["os": "windows-latest", "node": 14]),
            object(["os": "windows-latest", "node": 16, "npm": 6]),
            object(["os": "ubuntu-latest", "node": 14]),
            object(["os": "ubuntu-latest", "node": 16]),
        ])
    }

    /// The include-only matrix of the documentation: two jobs, one per entry.
    @Test func includeOnlyMatrix() throws {
        let matrix: Value = [
            "include": [
                ["site": "production", "datacenter": "site-a"],
                ["site": "staging", "datacenter": "site-b"],
            ],
        ]
        let result = try expand(matrix)
        #expect(result == [
            object(["site": "production", "datacenter": "site-a"]),
            object(["site": "staging", "datacenter": "site-b"]),
        ])
    }

    // MARK: - Include/exclude details

    @Test func includeNeverOverwritesOriginalValuesButOverwritesAddedOnes() throws {
        let matrix: Value = [
            "os": ["linux"],
            "include": [
                ["label": "first"],
                ["label": "second"],
                ["os": "mac", "label": "mac-only"],
            ],
        ]
        let result = try expand(matrix)
        #expect(result == [
            object(["os": "linux", "label": "second"]),
            object(["os": "mac", "label": "mac-only"]),
        ])
    }

    @Test func unmatchedIncludeListsVectorKeysFirst() throws {
        let matrix: Value = ["os": ["linux"], "include": [["extra": 1, "os": "bsd"]]]
        let result = try expand(matrix)
        #expect(result.last?.keys == ["os", "extra"])
    }

    @Test func excludesAreAppliedBeforeIncludes() throws {
        // The include matches only the excluded combination, so it becomes a new combination.
        let matrix: Value = [
            "os": ["linux", "mac"],
            "exclude": [["os": "mac"]],
            "include": [["os": "mac", "extra": true]],
        ]
        let result = try expand(matrix)
        #expect(result == [object(["os": "linux"]), object(["os": "mac", "extra": true])])
    }

    @Test func excludeDoesNotSeeIncludeAdditions() throws {
        let matrix: Value = [
            "os": ["linux", "mac"],
            "include": [["os": "linux", "extra": "x"]],
            "exclude": [["os": "linux"]],
        ]
        // linux is excluded; the include then matches nothing and becomes its own combination.
        let result = try expand(matrix)
        #expect(result == [object(["os": "mac"]), object(["os": "linux", "extra": "x"])])
    }

    @Test func filtersUseLooseEquality() throws {
        let matrix: Value = [
            "os": ["Ubuntu", "windows"],
            "node": [20, 22],
            "include": [["os": "ubuntu", "node": "20", "hit": true]],
            "exclude": [["os": "WINDOWS", "node": "22.0"]],
        ]
        let result = try expand(matrix)
        #expect(result == [
            object(["os": "Ubuntu", "node": 20, "hit": true]),
            object(["os": "Ubuntu", "node": 22]),
            object(["os": "windows", "node": 20]),
        ])
    }

    @Test func booleanVectorMatchesNumericFilter() throws {
        let result = try expand(["flag": [true, false], "exclude": [["flag": 0]]])
        #expect(result == [object(["flag": true])])
    }

    @Test func nestedFiltersMatchLeafByLeaf() throws {
        let matrix: Value = [
            "cfg": [["cc": "gcc", "version": 12], ["cc": "clang", "version": 15]],
            "exclude": [["cfg": ["cc": "clang"]]],
            "include": [["cfg": ["version": 12], "std": "c++20"]],
        ]
        let result = try expand(matrix)
        #expect(result == [object(["cfg": ["cc": "gcc", "version": 12], "std": "c++20"])])
    }

    @Test func nullFilterMatchesMissingNestedValue() throws {
        let matrix: Value = ["cfg": [["a": 1], ["a": 1, "b": 2]], "exclude": [["cfg": ["b": nil]]]]
        let result = try expand(matrix)
        #expect(result == [object(["cfg": ["a": 1, "b": 2]])])
    }

    // MARK: - Errors

    @Test func vectorMustBeASequence() {
        #expect(throws: MatrixError.vectorNotASequence(name: "os", found: "a string")) {
            try MatrixExpander.expand(["os": "linux"])
        }
    }

    @Test func emptyVectorIsAnErrorEvenWithInclude() {
        #expect(throws: MatrixError.emptyVector(name: "os")) {
            try MatrixExpander.expand(["os": []])
        }
        #expect(throws: MatrixError.emptyVector(name: "os")) {
            try MatrixExpander.expand(["os": [], "include": [["os": "linux"]]])
        }
        #expect(MatrixError.emptyVector(name: "os").description == "Matrix vector 'os' does not contain any values")
    }

    @Test func includeAndExcludeShapesAreChecked() {
        #expect(throws: MatrixError.filterListNotASequence(key: "include", found: "a mapping")) {
            try MatrixExpander.expand(["os": ["a"], "include": ["os": "b"]])
        }
        #expect(throws: MatrixError.filterItemNotAMapping(key: "include", index: 0, found: "a string")) {
            try MatrixExpander.expand(["os": ["a"], "include": ["b"]])
        }
        #expect(throws: MatrixError.emptyInclude(index: 1)) {
            try MatrixExpander.expand(["os": ["a"], "include": [["x": 1], [:]]])
        }
        #expect(throws: MatrixError.filterListNotASequence(key: "exclude", found: "null")) {
            try MatrixExpander.expand(["os": ["a"], "exclude": nil])
        }
        #expect(throws: MatrixError.emptyExclude(index: 0)) {
            try MatrixExpander.expand(["os": ["a"], "exclude": [[:]]])
        }
    }

    @Test func excludeKeyMustNameAVector() {
        #expect(throws: MatrixError.unknownExcludeKey(key: "arch", index: 0)) {
            try MatrixExpander.expand(["os": ["a"], "exclude": [["arch": "x64"]]])
        }
        #expect(MatrixError.unknownExcludeKey(key: "arch", index: 0).description.contains("'arch' does not match any key"))
    }

    @Test func matrixWithoutVectorsOrIncludesIsAnError() {
        #expect(throws: MatrixError.noVectors) { try MatrixExpander.expand(["include": []]) }
        #expect(throws: MatrixError.noVectors) { try MatrixExpander.expand(["exclude": []]) }
        #expect(throws: MatrixError.matrixNotAMapping(found: "a sequence")) { try MatrixExpander.expand(["a"]) }
    }

    @Test func twoHundredFiftySixCombinationsAreAllowed() throws {
        let sixteen = Value.array((0..<16).map { .number(Double($0)) })
        #expect(try MatrixExpander.expand(["a": sixteen, "b": sixteen]).count == 256)
    }

    @Test func moreThanTwoHundredFiftySixCombinationsFail() {
        let sixteen = Value.array((0..<16).map { .number(Double($0)) })
        let seventeen = Value.array((0..<17).map { .number(Double($0)) })
        #expect(throws: MatrixError.tooManyCombinations(limit: 256)) {
            try MatrixExpander.expand(["a": seventeen, "b": sixteen])
        }
        // An unmatched include counts too.
        #expect(throws: MatrixError.tooManyCombinations(limit: 256)) {
            try MatrixExpander.expand(["a": sixteen, "b": sixteen, "include": [["a": 99]]])
        }
        #expect(MatrixError.tooManyCombinations(limit: 256).description == "Strategy expansion exceeded 256 results")
    }

    @Test func excludesCanBringAProductUnderTheLimit() throws {
        let sixteen = Value.array((0..<16).map { .number(Double($0)) })
        let seventeen = Value.array((0..<17).map { .number(Double($0)) })
        #expect(try MatrixExpander.expand(["a": seventeen, "b": sixteen, "exclude": [["a": 16]]]).count == 256)
    }

    @Test func hugeCrossProductIsRejectedWithoutEnumeration() {
        let big = Value.array((0..<1100).map { .number(Double($0)) })
        #expect(throws: MatrixError.crossProductTooLarge) {
            try MatrixExpander.expand(["a": big, "b": big])
        }
    }

    // MARK: - Display names

    @Test func displayNameListsVectorValuesInOrder() throws {
        let result = try MatrixExpander.expand(["os": ["linux"], "node": [20]])
        #expect(MatrixExpander.displayName(jobName: "build", combination: result[0]) == "build (linux, 20)")
    }

    @Test func displayNameOmitsIncludeAdditionsButShowsUnmatchedIncludes() throws {
        let matrix: Value = [
            "fruit": ["apple", "pear"],
            "animal": ["cat", "dog"],
            "include": [
                ["color": "green"],
                ["color": "pink", "animal": "cat"],
                ["fruit": "apple", "shape": "circle"],
                ["fruit": "banana"],
                ["fruit": "banana", "animal": "cat"],
            ],
        ]
        let names = try MatrixExpander.expand(matrix).map { MatrixExpander.displayName(jobName: "test", combination: $0) }
        #expect(names == [
            "test (apple, cat)", "test (apple, dog)", "test (pear, cat)", "test (pear, dog)",
            "test (banana)", "test (banana, cat)",
        ])
        let includeOnly = try MatrixExpander.expand(["include": [["site": "production", "datacenter": "site-a"]]])
        #expect(MatrixExpander.displayName(jobName: "deploy", combination: includeOnly[0]) == "deploy (production, site-a)")
    }

    @Test func displayNameFormatsScalarsLikeGitHub() throws {
        let matrix: Value = [
            "python": [3.10],
            "big": [1e20],
            "flag": [false],
            "none": [nil],
            "empty": [""],
            "cfg": [["cc": "gcc", "versions": [12, 13]]],
        ]
        let result = try MatrixExpander.expand(matrix)
        #expect(MatrixExpander.displayName(jobName: "ci", combination: result[0]) == "ci (3.1, 1E+20, false, gcc, 12, 13)")
    }

    @Test func displayNameIsCutAtOneHundredCharacters() {
        let combination = MatrixCombination(values: ObjectValue([("long", .string(String(repeating: "x", count: 200)))]))
        let name = MatrixExpander.displayName(jobName: "build", combination: combination)
        #expect(name.count == 100)
        #expect(name.hasPrefix("build (xxx"))
        #expect(name.hasSuffix("..."))
    }

    @Test func displayNameWithEmptyJobNameIsEmpty() {
        let combination = MatrixCombination(values: ObjectValue([("os", "linux")]))
        #expect(MatrixExpander.displayName(jobName: "", combination: combination) == "")
    }

    @Test func nameRendererUsesG15Formatting() {
        #expect(MatrixNameRenderer.format(20) == "20")
        #expect(MatrixNameRenderer.format(0.1 + 0.2) == "0.3")
        #expect(MatrixNameRenderer.format(-1.5) == "-1.5")
        #expect(MatrixNameRenderer.format(1e-7) == "1E-07")
        #expect(MatrixNameRenderer.format(123_456_789_012_345) == "123456789012345")
        #expect(MatrixNameRenderer.format(1_234_567_890_123_456) == "1.23456789012346E+15")
    }
}
