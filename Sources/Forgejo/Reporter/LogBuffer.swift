import Foundation
import ForgejoProtocol
import SwiftProtobuf

/// The log rows of a task that the server has not acknowledged yet.
///
/// Rows stay until acknowledged, whatever happens to the connection. Memory is bounded: past
/// `memoryLimit` bytes, new rows go to a spill file (length-prefixed protobuf) and come back in
/// order as the rows before them are acknowledged.
struct LogBuffer {
    /// Absolute index of the first unacknowledged row (the server's ack).
    private(set) var acknowledged: Int64 = 0
    private var memory: [Runner_V1_LogRow] = []
    private var memoryBytes = 0
    private let memoryLimit: Int
    private var spill: SpillFile?
    private var spilledRows = 0

    init(memoryLimit: Int = 8 << 20) {
        self.memoryLimit = memoryLimit
    }

    /// Rows held (in memory and spilled).
    var count: Int { memory.count + spilledRows }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ rows: [Runner_V1_LogRow]) {
        for row in rows {
            let size = row.content.utf8.count + 16
            if spilledRows == 0 && memoryBytes + size <= memoryLimit {
                memory.append(row)
                memoryBytes += size
            } else {
                if spill == nil { spill = SpillFile() }
                if spill?.write(row) == true {
                    spilledRows += 1
                } else {
                    // The disk refused: keep the row in memory rather than lose it.
                    memory.append(row)
                    memoryBytes += size
                }
            }
        }
    }

    /// The next batch to send: its absolute start index and at most `maxRows` rows / about `maxBytes`.
    mutating func nextBatch(maxRows: Int = 2_000, maxBytes: Int = 2 << 20) -> (index: Int64, rows: [Runner_V1_LogRow]) {
        refill()
        var rows: [Runner_V1_LogRow] = []
        var bytes = 0
        for row in memory {
            let size = row.content.utf8.count + 16
            if !rows.isEmpty && (rows.count >= maxRows || bytes + size > maxBytes) { break }
            rows.append(row)
            bytes += size
        }
        return (acknowledged, rows)
    }

    /// Drops rows below `ack`. Returns false when the server acknowledges less than before (it lost rows).
    @discardableResult
    mutating func acknowledge(_ ack: Int64) -> Bool {
        guard ack >= acknowledged else { return false }
        var drop = Int(ack - acknowledged)
        while drop > 0 {
            refill()
            let now = min(drop, memory.count)
            if now == 0 { break }
            for row in memory.prefix(now) { memoryBytes -= row.content.utf8.count + 16 }
            memory.removeFirst(now)
            drop -= now
            acknowledged += Int64(now)
        }
        return true
    }

    /// Moves spilled rows back into memory while there is room.
    private mutating func refill() {
        guard spilledRows > 0, var file = spill else { return }
        while spilledRows > 0 && (memory.isEmpty || memoryBytes < memoryLimit) {
            guard let row = file.readNext() else { spilledRows = 0; break }
            memory.append(row)
            memoryBytes += row.content.utf8.count + 16
            spilledRows -= 1
        }
        spill = spilledRows == 0 ? nil : file
        if spilledRows == 0 { file.remove() }
    }
}

/// An append-only file of length-prefixed rows with a read cursor.
private struct SpillFile {
    let path: String
    private let writer: FileHandle?
    private var reader: FileHandle?

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-log-\(UUID().uuidString).spill").path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        writer = FileHandle(forWritingAtPath: path)
        reader = FileHandle(forReadingAtPath: path)
    }

    func write(_ row: Runner_V1_LogRow) -> Bool {
        guard let writer, let data = try? row.serializedData() else { return false }
        var length = UInt32(data.count).bigEndian
        do {
            try writer.write(contentsOf: Data(bytes: &length, count: 4))
            try writer.write(contentsOf: data)
            return true
        } catch {
            return false
        }
    }

    mutating func readNext() -> Runner_V1_LogRow? {
        guard let reader, let header = try? reader.read(upToCount: 4), header.count == 4 else { return nil }
        let length = header.reduce(0) { ($0 << 8) | Int($1) }
        guard let body = try? reader.read(upToCount: length), body.count == length else { return nil }
        return try? Runner_V1_LogRow(serializedBytes: body)
    }

    func remove() {
        try? writer?.close()
        try? reader?.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
