/// Collects bytes of one output stream and hands out complete lines (without `\n` or a trailing
/// `\r`), splitting overlong lines like `ChildProcess` does.
struct LineAccumulator: Sendable {
    private var pending: [UInt8] = []
    let maximumLineBytes: Int

    init(maximumLineBytes: Int = ChildProcess.maximumLineBytes) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Adds bytes; returns the lines they complete.
    mutating func append(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            if pending.isEmpty {
                lines.append(Self.text(bytes[start..<index]))
            } else {
                pending.append(contentsOf: bytes[start..<index])
                lines.append(Self.text(pending[...]))
                pending.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
        while pending.count >= maximumLineBytes {
            lines.append(Self.text(pending[..<maximumLineBytes]))
            pending.removeFirst(maximumLineBytes)
        }
        return lines
    }

    /// What is left after the stream ended (a last line without a newline), if anything.
    mutating func finish() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : Self.text(pending[...])
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
