import Foundation

/// Replaces secrets in log text with `***`. One instance is shared by the concurrent steps of a
/// job; it is thread-safe (registration takes a lock and publishes an immutable table, masking
/// reads the current table and then works without the lock).
///
/// Registration (`add`):
/// - empty and whitespace-only values are ignored (GitHub warns for `::add-mask::` of those);
/// - the value is registered as is, plus its encoded forms (`SecretEncodings`: JSON-escaped,
///   URI-escaped, XML-escaped, expression-escaped, quote-stripped, Base64 at three alignments),
///   because GitHub registers the same encoders;
/// - a multi-line value (split at CRLF, CR or LF) also registers each line, trimmed, when that
///   line has at least `minimumLineLength` characters and a letter or digit (so the `{`, `}` and
///   `],` lines of a JSON key do not mask every brace of the log), and the lines joined by a
///   literal `\n` (two characters), the form multi-line values take in escaped logs. Step output
///   is masked line by line, so it is the per-line registration that hides a multi-line secret
///   printed across several lines.
///
/// Masking (`mask`) is ordinal (case-sensitive, byte for byte on UTF-8). Every occurrence of every
/// registered value is found, including overlapping ones; overlapping or adjacent occurrences are
/// merged and each merged run becomes a single `***`, so no fragment of a secret survives (with
/// `abc` and `bcd` registered, `xabcdx` becomes `x***x`). With nothing registered `mask` returns
/// its argument without looking at it; otherwise a first-byte table limits the comparisons.
public final class SecretMasker: @unchecked Sendable {
    /// The replacement text.
    public static let replacement = "***"
    /// The shortest trimmed line of a multi-line secret that is registered on its own.
    public static let minimumLineLength = 3

    private let lock = NSLock()
    private var values: Set<[UInt8]> = []
    private var table = MaskingTable()

    public init() {}

    /// Registers a secret (and its derived forms, see the type's documentation).
    public func add(_ secret: String) {
        guard !secret.allSatisfy(\.isWhitespace) else { return }
        var forms = [secret]
        if secret.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            let lines = Self.lines(of: secret)
            for line in lines {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.count >= Self.minimumLineLength, trimmed.contains(where: { $0.isLetter || $0.isNumber }) {
                    forms.append(trimmed)
                }
            }
            forms.append(lines.joined(separator: "\\n"))
        }
        var candidates: [[UInt8]] = []
        for form in forms {
            candidates.append(Array(form.utf8))
            for encoded in SecretEncodings.all(form) { candidates.append(Array(encoded.utf8)) }
        }

        lock.lock()
        defer { lock.unlock() }
        var changed = false
        for candidate in candidates where !candidate.isEmpty && !values.contains(candidate) {
            values.insert(candidate)
            changed = true
        }
        if changed { table = MaskingTable(values) }
    }

    /// Registers several secrets.
    public func add(contentsOf secrets: some Sequence<String>) {
        for secret in secrets { add(secret) }
    }

    /// The number of registered byte patterns (secrets and their derived forms).
    public var patternCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }

    /// Whether nothing is registered.
    public var isEmpty: Bool { patternCount == 0 }

    /// `text` with every registered secret replaced by `***`.
    public func mask(_ text: String) -> String {
        lock.lock()
        let table = self.table
        lock.unlock()
        return table.mask(text)
    }

    private static func lines(of text: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                result.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        result.append(String(decoding: current, as: UTF8.self))
        return result
    }
}
