import Foundation

/// The `Content-Range` of a v3 chunk: `bytes <first>-<last>/<file size>` with inclusive bounds.
/// The file size is required (it tells when a file is complete), and the toolkit's form for an
/// empty file, `bytes 0--1/0`, is accepted.
struct ChunkRange: Equatable {
    let range: Range<Int64>
    let total: Int64

    static func parse(_ header: String) -> ChunkRange? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count).trimmingCharacters(in: .whitespaces)
        if spec == "0--1/0" { return ChunkRange(range: 0..<0, total: 0) }
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, let total = number(halves[1]) else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = number(bounds[0]), let last = number(bounds[1]),
              first <= last, last < total else { return nil }
        return ChunkRange(range: first..<(last + 1), total: total)
    }

    private static func number(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }
}
