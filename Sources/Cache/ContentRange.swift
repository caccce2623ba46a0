import Foundation

/// The byte ranges named by upload (`Content-Range`) and download (`Range`) headers.
enum ContentRange {
    /// What a download's `Range` header asks for.
    enum Request: Equatable {
        /// No usable range: send the whole entry.
        case whole
        /// One satisfiable range.
        case partial(Range<Int64>)
        /// A range that lies beyond the entry (416).
        case unsatisfiable
    }

    /// Parses `bytes <first>-<last>/<total or *>` (inclusive bounds) into a half-open range;
    /// nil when malformed, reversed, or inconsistent with a numeric total.
    static func parseUpload(_ header: String) -> Range<Int64>? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count).trimmingCharacters(in: .whitespaces)
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = number(bounds[0]), let last = number(bounds[1]), first <= last,
              last < Int64.max else { return nil }
        if halves[1] != "*" {
            guard let total = number(halves[1]), last < total else { return nil }
        }
        return first..<(last + 1)
    }

    /// Interprets a download's `Range` header against an entry of `size` bytes. Only a single
    /// `bytes=` range is honoured; anything else is served whole, as RFC 9110 allows.
    static func parseDownload(_ header: String?, size: Int64) -> Request {
        guard let header else { return .whole }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { return .whole }
        let spec = text.dropFirst("bytes=".count)
        let bounds = spec.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return .whole }
        if bounds[0].isEmpty {
            // A suffix: the last n bytes.
            guard let suffix = number(bounds[1]) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)..<size)
        }
        guard let first = number(bounds[0]) else { return .whole }
        let last: Int64
        if bounds[1].isEmpty {
            last = size - 1
        } else {
            guard let parsed = number(bounds[1]), parsed >= first else { return .whole }
            last = min(parsed, size - 1)
        }
        guard first < size else { return .unsatisfiable }
        return .partial(first..<(last + 1))
    }

    private static func number(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }
}
