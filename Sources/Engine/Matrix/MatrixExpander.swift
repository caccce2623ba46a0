import Expressions

/// Expands an evaluated `strategy.matrix` into job configurations, following GitHub's workflow
/// parser (`MatrixBuilder` in actions/runner's `WorkflowParser`) and the documentation
/// ("Using a matrix for your jobs").
///
/// The algorithm:
/// 1. Every key other than `include`/`exclude` is a *vector* and must be a non-empty sequence. The
///    cross product is enumerated in key order, the first vector varying slowest.
/// 2. A product combination is dropped when it matches any `exclude` item. An item matches when
///    all its keys (which must all be vectors) match; nested mappings/sequences match leaf by leaf,
///    so partial matches are allowed. Excludes see only the product, never `include` additions.
/// 3. Each `include` item is split into *filter* keys (those naming a vector) and *extra* keys.
///    It applies to every remaining product combination its filter keys match (an item without
///    filter keys matches all), adding its extra keys; a later item overwrites a key an earlier
///    item added, but original vector values are never overwritten.
/// 4. Each `include` item that applied to no product combination becomes a combination of its own
///    (filter keys first, then extra keys), appended after the product in `include` order.
///
/// Comparisons use the expression language's loose `==`: strings compare case-insensitively and
/// `'12'` equals `12`, exactly as GitHub's filter expressions do.
///
/// Departures, chosen for a local runner: a `.null` matrix and an empty mapping both give one
/// empty combination (GitHub rejects a literal `matrix: {}` with "Matrix must define at least one
/// vector"; the error is still raised for a matrix holding only `exclude`, or `include: []`).
public enum MatrixExpander {
    /// GitHub's limit on the jobs one matrix may produce.
    public static let maximumCombinations = 256

    /// The largest cross product enumerated before giving up (excludes could in principle shrink a
    /// larger product below the limit, but walking billions of combinations is never useful).
    static let maximumCrossProduct = 1 << 20

    /// Expands `matrix` into its combinations, in GitHub's order.
    public static func expand(_ matrix: Value) throws(MatrixError) -> [MatrixCombination] {
        let object: ObjectValue
        switch matrix {
        case .null:
            return [MatrixCombination(values: ObjectValue(), nameSegments: [])]
        case .object(let value):
            object = value
        default:
            throw .matrixNotAMapping(found: describe(matrix))
        }
        if object.isEmpty { return [MatrixCombination(values: ObjectValue(), nameSegments: [])] }

        var vectors: [(name: String, values: [Value])] = []
        var includeItems: [Value] = []
        var excludeItems: [Value] = []
        for entry in object.entries {
            switch entry.key {
            case "include":
                guard case .array(let items) = entry.value else {
                    throw .filterListNotASequence(key: "include", found: describe(entry.value))
                }
                includeItems = items
            case "exclude":
                guard case .array(let items) = entry.value else {
                    throw .filterListNotASequence(key: "exclude", found: describe(entry.value))
                }
                excludeItems = items
            default:
                guard case .array(let items) = entry.value else {
                    throw .vectorNotASequence(name: entry.key, found: describe(entry.value))
                }
                if items.isEmpty { throw .emptyVector(name: entry.key) }
                vectors.append((entry.key, items))
            }
        }
        if vectors.isEmpty && includeItems.isEmpty { throw .noVectors }

        var vectorNames = ObjectValue()
        for vector in vectors { vectorNames[vector.name] = .bool(true) }
        let includes = try parseIncludes(includeItems, vectorNames: vectorNames)
        let excludes = try parseExcludes(excludeItems, vectorNames: vectorNames)

        var productSize = vectors.isEmpty ? 0 : 1
        for vector in vectors {
            let (size, overflow) = productSize.multipliedReportingOverflow(by: vector.values.count)
            if overflow || size > maximumCrossProduct { throw .crossProductTooLarge }
            productSize = size
        }

        var result: [MatrixCombination] = []
        var includeMatched = [Bool](repeating: false, count: includes.count)
        for productIndex in 0..<productSize {
            var combination = ObjectValue()
            var blockSize = productSize
            for vector in vectors {
                blockSize /= vector.values.count
                combination[vector.name] = vector.values[(productIndex / blockSize) % vector.values.count]
            }
            if excludes.contains(where: { $0.matches(combination) }) { continue }

            let nameSegments = MatrixNameRenderer.segments(of: combination)
            var extra = ObjectValue()
            for (position, include) in includes.enumerated() where include.filter.matches(combination) {
                includeMatched[position] = true
                extra.merge(include.extra)
            }
            for entry in extra.entries { combination[entry.key] = entry.value }
            try append(MatrixCombination(values: combination, nameSegments: nameSegments), to: &result)
        }

        for (position, include) in includes.enumerated() where !includeMatched[position] {
            var combination = ObjectValue()
            for entry in include.filterPairs { combination[entry.key] = entry.value }
            for entry in include.extra.entries { combination[entry.key] = entry.value }
            try append(MatrixCombination(values: combination), to: &result)
        }
        return result
    }

    /// GitHub's default name of a matrix job: `jobName (segment, segment, …)`, or `jobName` alone
    /// when the combination has no segments; names longer than 100 characters are cut to 97
    /// characters followed by `...`. An empty `jobName` gives an empty name (GitHub then falls
    /// back to the job id), so pass the job's literal `name:` or, without one, its id.
    ///
    /// The segments are `combination.nameSegments`: booleans, numbers (formatted like .NET's
    /// `G15`, so `3.10` shows as `3.1`) and non-empty strings found walking the values depth
    /// first, keys omitted; nulls and empty strings are skipped and objects/arrays contribute
    /// their scalars. Values added by `include` to a product combination are not shown.
    public static func displayName(jobName: String, combination: MatrixCombination) -> String {
        if jobName.isEmpty { return jobName }
        let name = combination.nameSegments.isEmpty
            ? jobName
            : "\(jobName) (\(combination.nameSegments.joined(separator: ", ")))"
        let maximumLength = 100
        if name.count > maximumLength { return String(name.prefix(maximumLength - 3)) + "..." }
        return name
    }

    // MARK: - Parsing include/exclude

    private struct Include {
        var filterPairs: [(key: String, value: Value)]
        var filter: MatrixFilter
        var extra: ObjectValue
    }

    private static func parseIncludes(_ items: [Value], vectorNames: ObjectValue) throws(MatrixError) -> [Include] {
        var result: [Include] = []
        for (index, item) in items.enumerated() {
            guard case .object(let mapping) = item else {
                throw .filterItemNotAMapping(key: "include", index: index, found: describe(item))
            }
            if mapping.isEmpty { throw .emptyInclude(index: index) }
            var filterPairs: [(key: String, value: Value)] = []
            var extra = ObjectValue()
            for entry in mapping.entries {
                if vectorNames[entry.key] != nil {
                    filterPairs.append(entry)
                } else {
                    extra[entry.key] = entry.value
                }
            }
            result.append(Include(filterPairs: filterPairs, filter: MatrixFilter(filterPairs), extra: extra))
        }
        return result
    }

    private static func parseExcludes(_ items: [Value], vectorNames: ObjectValue) throws(MatrixError) -> [MatrixFilter] {
        var result: [MatrixFilter] = []
        for (index, item) in items.enumerated() {
            guard case .object(let mapping) = item else {
                throw .filterItemNotAMapping(key: "exclude", index: index, found: describe(item))
            }
            if mapping.isEmpty { throw .emptyExclude(index: index) }
            for key in mapping.keys where vectorNames[key] == nil {
                throw .unknownExcludeKey(key: key, index: index)
            }
            result.append(MatrixFilter(mapping.entries))
        }
        return result
    }

    private static func append(_ combination: MatrixCombination, to result: inout [MatrixCombination]) throws(MatrixError) {
        if result.count >= maximumCombinations { throw .tooManyCombinations(limit: maximumCombinations) }
        result.append(combination)
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a sequence"
        case .object: "a mapping"
        }
    }
}
