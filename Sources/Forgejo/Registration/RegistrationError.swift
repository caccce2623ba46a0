/// Why registering the runner, or reading/writing its `.runner` file, failed. Every case reads as
/// a sentence saying what to do.
public enum RegistrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `.runner` file does not exist or cannot be read.
    case fileUnreadable(path: String, reason: String)
    /// The `.runner` file exists but is not a usable registration.
    case fileInvalid(path: String, reason: String)
    /// The `.runner` file cannot be written.
    case fileNotWritable(path: String, reason: String)
    /// The offline-registration secret is malformed.
    case invalidSecret(String)
    /// A required input is missing or malformed.
    case invalidInput(String)
    /// Some labels cannot be parsed.
    case invalidLabels([LabelError])
    /// Ping never succeeded.
    case instanceUnreachable(address: String, attempts: Int, lastError: String)
    /// The server refused the registration (bad or reset token, …).
    case rejected(address: String, reason: String)
    /// The server's reply lacks the runner credentials.
    case incompleteReply(String)
    /// Interactive input ended (end of file) before all answers were given.
    case inputClosed

    /// A one-paragraph explanation with the next step.
    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            return "cannot read the runner registration file \(path): \(reason). Register the runner first (hearth register) or set runner.file."
        case .fileInvalid(let path, let reason):
            return "the runner registration file \(path) is not valid: \(reason). Delete it and register the runner again."
        case .fileNotWritable(let path, let reason):
            return "cannot write the runner registration file \(path): \(reason). Check the directory exists and is writable, or set runner.file."
        case .invalidSecret(let reason):
            return "invalid runner secret: \(reason). Use the 40 hexadecimal characters given to `forgejo forgejo-cli actions register --secret`."
        case .invalidInput(let reason):
            return reason
        case .invalidLabels(let errors):
            return errors.map(\.description).joined(separator: "; ")
                + ". Labels look like name, name:host, name:docker://image or name:lxc://distribution:release."
        case .instanceUnreachable(let address, let attempts, let lastError):
            return "cannot reach the Forgejo instance at \(address) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(lastError). "
                + "Check the address (including any sub-path), that Actions are enabled on the instance, and the network."
        case .rejected(let address, let reason):
            return "\(address) refused the registration: \(reason). "
                + "Copy a current registration token from the runner settings (site administration, organisation, user or repository → Actions → Runners)."
        case .incompleteReply(let reason):
            return "the instance accepted the registration but its reply is incomplete: \(reason)."
        case .inputClosed:
            return "input ended before the registration questions were answered; use the non-interactive options instead."
        }
    }
}
