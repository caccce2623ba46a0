/// A set of byte offsets kept as sorted, disjoint, non-adjacent half-open ranges: what an upload
/// has received so far.
package struct ByteRangeSet: Sendable, Equatable {
    package private(set) var ranges: [Range<Int64>] = []

    /// The number of bytes covered.
    package var count: Int64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    /// An empty set.
    package init() {}

    /// Adds `range`, merging it with overlapping or adjacent ranges.
    package mutating func insert(_ range: Range<Int64>) {
        guard !range.isEmpty else { return }
        var merged = range
        var result: [Range<Int64>] = []
        result.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound < merged.lowerBound {
                result.append(existing)
            } else if merged.upperBound < existing.lowerBound {
                if !placed { result.append(merged); placed = true }
                result.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        if !placed { result.append(merged) }
        ranges = result
    }

    /// Whether any byte of `range` is in the set.
    package func overlaps(_ range: Range<Int64>) -> Bool {
        ranges.contains { $0.overlaps(range) }
    }

    /// Whether every byte of `range` is in the set.
    package func contains(_ range: Range<Int64>) -> Bool {
        range.isEmpty || ranges.contains { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound }
    }

    /// Whether the set is exactly `0..<size`.
    package func isExactly(size: Int64) -> Bool {
        size == 0 ? ranges.isEmpty : ranges == [0..<size]
    }
}
