import Foundation

extension RunnerRegistration {
    /// Builds the registration for a runner pre-registered on the server with
    /// `forgejo forgejo-cli actions register --secret <secret>` (what
    /// `forgejo-runner create-runner-file --secret` does): id 0, the token is the whole secret and
    /// the UUID is derived from it (see ``uuid(fromSecret:)``). An empty name becomes the host name.
    /// - Throws: ``RegistrationError`` for a malformed secret, address or label.
    public static func offline(address: String, secret: String, name: String = "", labels: [String] = []) throws -> RunnerRegistration {
        let trimmedAddress = address.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try InstanceAddress(trimmedAddress)
        } catch {
            throw RegistrationError.invalidInput("\(error)")
        }
        let uuid = try uuid(fromSecret: secret)
        let errors = RunnerLabel.parseAll(labels).errors
        guard errors.isEmpty else { throw RegistrationError.invalidLabels(errors) }
        let runnerName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return RunnerRegistration(id: 0, uuid: uuid, name: runnerName.isEmpty ? SystemHostname.current : runnerName,
                                  token: secret, address: trimmedAddress, labels: labels)
    }

    /// The runner UUID the server derives from an offline-registration secret: the first 16
    /// characters of the secret, taken as 16 raw bytes, formatted as a UUID. For example
    /// `AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` gives `41414141-4141-4141-4141-414141414141`.
    /// - Throws: ``RegistrationError/invalidSecret(_:)`` unless the secret is exactly 40
    ///   hexadecimal characters.
    public static func uuid(fromSecret secret: String) throws -> String {
        let bytes = Array(secret.utf8)
        guard bytes.count == 40 else {
            throw RegistrationError.invalidSecret("it must be exactly 40 characters long, not \(bytes.count)")
        }
        guard bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) else {
            throw RegistrationError.invalidSecret("it must be a hexadecimal string")
        }
        let hex = bytes.prefix(16).map { byte -> String in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return groups.joined(separator: "-")
    }
}
