/// Splits Docker's multiplexed attach stream (used when there is no TTY) into frames: each frame
/// is an 8-byte header — stream (1 stdout, 2 stderr), three zero bytes, big-endian payload
/// length — followed by the payload. Bytes may arrive cut anywhere; partial frames are kept.
public struct MultiplexedStreamDecoder: Sendable {
    /// Which output a frame belongs to.
    public enum Stream: UInt8, Sendable {
        case stdin = 0
        case stdout = 1
        case stderr = 2
    }

    /// One decoded frame.
    public struct Frame: Sendable, Equatable {
        public var stream: Stream
        public var payload: [UInt8]
    }

    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Adds received bytes and returns every frame completed by them.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Frame] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [Frame] = []
        while buffer.count - start >= 8 {
            let length = buffer[start + 4..<start + 8].reduce(0) { ($0 << 8) | Int($1) }
            guard buffer.count - start >= 8 + length else { break }
            let stream = Stream(rawValue: buffer[start]) ?? .stdout
            frames.append(Frame(stream: stream, payload: Array(buffer[start + 8..<start + 8 + length])))
            start += 8 + length
        }
        if start > 0 && (start == buffer.count || start >= 64 * 1024) {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    /// Bytes of an incomplete frame still waiting for the rest.
    public var pendingByteCount: Int { buffer.count - start }
}
