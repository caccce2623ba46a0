import Foundation
import NIOCore

/// Cuts a byte stream into newline-terminated lines (a watch body arrives in arbitrary chunks).
struct KubeLineSplitter {
    private var pending: [UInt8] = []

    /// Appends a chunk and returns the complete, non-empty lines it finished.
    mutating func append(_ buffer: ByteBuffer) -> [Data] {
        pending.append(contentsOf: buffer.readableBytesView)
        var lines: [Data] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if newline > start { lines.append(Data(pending[start..<newline])) }
            start = newline + 1
        }
        if start > 0 { pending.removeFirst(start) }
        return lines
    }

    /// What is left after the stream ended (a last line without a newline).
    mutating func finish() -> Data? {
        defer { pending = [] }
        let rest = pending.filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: " ") }
        return rest.isEmpty ? nil : Data(pending)
    }
}
