#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable set of byte patterns prepared for fast masking: all patterns in one buffer,
/// grouped by first byte and, within a group, longest first.
struct MaskingTable: Sendable {
    private var pool: [UInt8] = []
    /// (offset in `pool`, length) of each pattern, ordered by first byte then length (descending).
    private var spans: [Span] = []
    /// `spans[groupStart[b]..<groupStart[b + 1]]` are the patterns starting with byte `b`.
    private var groupStart: [Int] = []

    private struct Span: Sendable {
        var offset: Int
        var length: Int
    }

    var isEmpty: Bool { spans.isEmpty }

    init() {}

    init(_ patterns: some Collection<[UInt8]>) {
        let ordered = patterns.filter { !$0.isEmpty }.sorted { left, right in
            if left[0] != right[0] { return left[0] < right[0] }
            if left.count != right.count { return left.count > right.count }
            return left.lexicographicallyPrecedes(right)
        }
        groupStart = Array(repeating: 0, count: 257)
        for pattern in ordered {
            spans.append(Span(offset: pool.count, length: pattern.count))
            pool.append(contentsOf: pattern)
            groupStart[Int(pattern[0]) + 1] += 1
        }
        for byte in 0..<256 { groupStart[byte + 1] += groupStart[byte] }
    }

    func mask(_ text: String) -> String {
        if spans.isEmpty { return text }
        var text = text
        let runs = text.withUTF8 { findRuns(in: $0) }
        if runs.isEmpty { return text }
        return text.withUTF8 { bytes in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var position = 0
            for run in runs {
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<run.start]))
                result.append(contentsOf: SecretMasker.replacement.utf8)
                position = run.end
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<bytes.count]))
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// The merged byte ranges covered by pattern occurrences (overlapping or adjacent ones joined).
    private func findRuns(in bytes: UnsafeBufferPointer<UInt8>) -> [(start: Int, end: Int)] {
        var runs: [(start: Int, end: Int)] = []
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return runs }
        pool.withUnsafeBufferPointer { poolBuffer in
            spans.withUnsafeBufferPointer { spans in
                groupStart.withUnsafeBufferPointer { groupStart in
                    let poolBase = poolBuffer.baseAddress!
                    var currentStart = -1
                    var currentEnd = -1
                    for position in 0..<count {
                        let first = Int(base[position])
                        var index = groupStart[first]
                        let end = groupStart[first + 1]
                        if index == end { continue }
                        let remaining = count - position
                        while index < end {
                            let span = spans[index]
                            index += 1
                            if span.length > remaining { continue }
                            if span.length > 1 && base[position + 1] != poolBase[span.offset + 1] { continue }
                            if memcmp(base + position, poolBase + span.offset, span.length) != 0 { continue }
                            // The longest match here; shorter ones at this position lie inside it.
                            let matchEnd = position + span.length
                            if currentEnd >= 0 && position <= currentEnd {
                                currentEnd = max(currentEnd, matchEnd)
                            } else {
                                if currentEnd >= 0 { runs.append((currentStart, currentEnd)) }
                                currentStart = position
                                currentEnd = matchEnd
                            }
                            break
                        }
                    }
                    if currentEnd >= 0 { runs.append((currentStart, currentEnd)) }
                }
            }
        }
        return runs
    }
}
