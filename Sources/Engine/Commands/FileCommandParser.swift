/// Parses the files steps write to pass values back: `GITHUB_ENV`, `GITHUB_OUTPUT`,
/// `GITHUB_STATE` (key/value files) and `GITHUB_PATH` (one directory per line).
///
/// Key/value files follow actions/runner (`SetEnvFileCommand` and its successors):
/// - empty lines are skipped;
/// - `NAME=value` — split at the first `=` (when it comes before any `<<`); the value is the rest
///   of the line, untrimmed;
/// - `NAME<<DELIMITER` — the value is every following line up to the first line that is exactly
///   `DELIMITER`; line breaks inside the value are kept as written, the one before the delimiter
///   line is not part of the value, so an immediately closed heredoc gives an empty value;
/// - CRLF line endings are accepted: a `\r` before `\n` is not part of a `NAME=value` value,
///   a heredoc header or a delimiter line (inside a multi-line value the CRLFs are kept);
/// - names are not otherwise validated, and repeated names are all returned in file order (the
///   last one wins when applied).
public enum FileCommandParser {
    /// Parses a key/value file into its entries, in file order.
    /// - Throws: `FileCommandError` naming the offending line.
    public static func parseKeyValueFile(_ contents: String) throws(FileCommandError) -> [(key: String, value: String)] {
        var pieces = contents.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsWithNewline = contents.utf8.last == 0x0A
        if endsWithNewline { pieces.removeLast() }
        let lineCount = pieces.count

        func line(_ index: Int) -> Substring {
            var piece = pieces[index]
            if piece.last == 0x0D { piece = piece.dropLast() }
            return Substring(piece)
        }
        func hasNewline(_ index: Int) -> Bool { index < lineCount - 1 || endsWithNewline }

        var result: [(key: String, value: String)] = []
        var index = 0
        while index < lineCount {
            let text = line(index)
            let number = index + 1
            index += 1
            if text.isEmpty { continue }

            let bytes = text.utf8
            let equals = bytes.firstIndex(of: 0x3D)
            let heredoc = Self.firstDoubleLessThan(in: bytes)
            if let equals, heredoc.map({ equals < $0 }) ?? true {
                let key = String(text[..<equals])
                if key.isEmpty {
                    throw FileCommandError(
                        line: number, message: "Invalid format '\(text)'. Name must not be empty (expected NAME=VALUE).")
                }
                result.append((key, String(text[bytes.index(after: equals)...])))
            } else if let heredoc {
                let key = String(text[..<heredoc])
                let delimiter = String(text[bytes.index(heredoc, offsetBy: 2)...])
                if key.isEmpty || delimiter.isEmpty {
                    throw FileCommandError(
                        line: number,
                        message: "Invalid format '\(text)'. Name must not be empty and delimiter must not be empty "
                            + "(expected NAME<<DELIMITER).")
                }
                var valueLines: [Substring] = []
                while true {
                    guard index < lineCount else {
                        throw FileCommandError(
                            line: number,
                            message: "Invalid value. Matching delimiter not found '\(delimiter)': the value of '\(key)' "
                                + "must end with a line containing only '\(delimiter)'.")
                    }
                    if line(index).utf8.elementsEqual(delimiter.utf8) { break }
                    guard hasNewline(index) else {
                        throw FileCommandError(
                            line: number,
                            message: "Invalid value. EOF marker missing new line: the value of '\(key)' must end with "
                                + "a line containing only '\(delimiter)'; make sure a newline precedes the delimiter.")
                    }
                    valueLines.append(Substring(pieces[index]))
                    index += 1
                }
                index += 1
                var value = valueLines.joined(separator: "\n")
                if value.utf8.last == 0x0D { value = String(value.dropLast()) }
                result.append((key, value))
            } else {
                throw FileCommandError(
                    line: number, message: "Invalid format '\(text)'. Expected NAME=VALUE or NAME<<DELIMITER.")
            }
        }
        return result
    }

    private static func firstDoubleLessThan(in bytes: Substring.UTF8View) -> String.Index? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == 0x3C, next < bytes.endIndex, bytes[next] == 0x3C { return index }
            index = next
        }
        return nil
    }

    /// Parses a `GITHUB_PATH` file: one path per line (LF, CRLF or CR endings), in file order.
    /// Lines that are empty or only whitespace are skipped; other lines are taken as written.
    public static func parsePathFile(_ contents: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        var previousWasCR = false
        func flush() {
            let text = String(decoding: current, as: UTF8.self)
            if !text.allSatisfy(\.isWhitespace) { result.append(text) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in contents.utf8 {
            switch byte {
            case 0x0D:
                flush()
                previousWasCR = true
            case 0x0A:
                if !previousWasCR { flush() }
                previousWasCR = false
            default:
                current.append(byte)
                previousWasCR = false
            }
        }
        flush()
        return result
    }
}
