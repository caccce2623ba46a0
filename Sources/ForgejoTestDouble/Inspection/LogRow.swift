import Foundation

/// One stored log row of a task, after the server's processing (§3.7): embedded newlines are
/// escaped as the two characters `\n` and content longer than 64 KiB is truncated.
public struct LogRow: Sendable, Hashable, Encodable {
    /// Seconds of the row's timestamp (UTC).
    public var seconds: Int64
    /// Nanoseconds of the row's timestamp.
    public var nanos: Int32
    /// The stored content.
    public var content: String

    public init(seconds: Int64, nanos: Int32, content: String) {
        self.seconds = seconds
        self.nanos = nanos
        self.content = content
    }

    /// The row's time.
    public var time: Date {
        Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000)
    }

    /// The row as Forgejo writes it to the log file: `YYYY-MM-DDTHH:MM:SS.fffffffZ content`.
    public var line: String { "\(LogRow.formatTime(seconds: seconds, nanos: nanos)) \(content)" }

    /// Formats a UTC time with seven fractional digits, as Forgejo's log files do.
    static func formatTime(seconds: Int64, nanos: Int32) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let fraction = max(0, Int(nanos)) / 100
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// Applies the server's row processing: `\n` → `\\n`, then truncation to 64 KiB (without
    /// splitting a UTF-8 sequence).
    static func storedContent(_ content: String) -> String {
        let escaped = content.contains("\n") ? content.replacingOccurrences(of: "\n", with: "\\n") : content
        return escaped.truncatedUTF8(to: 64 * 1024)
    }

    private enum CodingKeys: String, CodingKey {
        case time, content
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(LogRow.formatTime(seconds: seconds, nanos: nanos), forKey: .time)
        try container.encode(content, forKey: .content)
    }
}
