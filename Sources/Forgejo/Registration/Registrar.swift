import ForgejoProtocol
import Foundation

/// Registers a runner with a registration token, following forgejo-runner's `register`: ping the
/// instance (no authentication) until it answers, then call Register with the label **names** in
/// both `labels` and `agent_labels`, and return what belongs in the `.runner` file.
public enum Registrar {
    /// Registers the runner.
    ///
    /// - Parameters:
    ///   - address: Instance URL as the user typed it (stored as is in `.runner`).
    ///   - token: The registration token from the runner settings page.
    ///   - name: Runner name; empty means the host name.
    ///   - labels: Full label strings; empty means ``RunnerLabel/registrationDefaults``.
    ///   - version: Runner version sent to the server (keep it short: the column holds 64 bytes).
    ///   - ephemeral: Ask for an ephemeral runner (Forgejo ≥ 15).
    ///   - pingAttempts: How many pings before giving up (forgejo-runner retries forever).
    ///   - pingInterval: Pause between failed pings.
    ///   - caFile: Extra CA certificates (PEM) for TLS.
    ///   - insecure: Skip TLS verification.
    ///   - timeout: Per-call timeout.
    ///   - progress: Receives human-readable progress lines (failed pings).
    /// - Returns: The registration to save with ``RunnerRegistration/save(path:)``.
    /// - Throws: ``RegistrationError`` (with the server's reason when it refuses) or
    ///   `CancellationError`.
    public static func register(
        address: String,
        token: String,
        name: String,
        labels: [String],
        version: String,
        ephemeral: Bool = false,
        pingAttempts: Int = 10,
        pingInterval: Duration = .seconds(1),
        caFile: String? = nil,
        insecure: Bool = false,
        timeout: Duration = .seconds(60),
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> RunnerRegistration {
        let typedAddress = address.trimmingCharacters(in: .whitespacesAndNewlines)
        let registrationToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !registrationToken.isEmpty else {
            throw RegistrationError.invalidInput("the registration token is empty; copy it from the runner settings page of the instance")
        }
        let labelStrings = labels.isEmpty ? RunnerLabel.registrationDefaults : labels
        let parsed = RunnerLabel.parseAll(labelStrings)
        guard parsed.errors.isEmpty else { throw RegistrationError.invalidLabels(parsed.errors) }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let runnerName = trimmedName.isEmpty ? SystemHostname.current : trimmedName

        let connection: ConnectClient
        do {
            connection = try ConnectClient(address: typedAddress, caFile: caFile, insecure: insecure, timeout: timeout)
        } catch {
            throw RegistrationError.invalidInput("\(error)")
        }
        let client = RunnerClient(connection: connection)
        do {
            try await waitForPing(client, address: typedAddress, data: runnerName, attempts: max(1, pingAttempts),
                                  interval: pingInterval, progress: progress)
            let runner: Runner_V1_Runner
            do {
                runner = try await client.register(name: runnerName, token: registrationToken, version: version,
                                                   labels: RunnerLabel.names(of: parsed.labels), ephemeral: ephemeral)
            } catch let error as ConnectError {
                throw RegistrationError.rejected(address: typedAddress, reason: error.message.isEmpty ? error.code.rawValue : error.message)
            } catch let error as TransportError {
                throw RegistrationError.instanceUnreachable(address: typedAddress, attempts: 1, lastError: "\(error)")
            }
            guard !runner.uuid.isEmpty, !runner.token.isEmpty else {
                throw RegistrationError.incompleteReply("no runner UUID or token")
            }
            try? await connection.shutdown()
            return RunnerRegistration(id: runner.id, uuid: runner.uuid, name: runner.name.isEmpty ? runnerName : runner.name,
                                      token: runner.token, address: typedAddress, labels: labelStrings, ephemeral: ephemeral)
        } catch {
            try? await connection.shutdown()
            throw error
        }
    }

    private static func waitForPing(
        _ client: RunnerClient, address: String, data: String, attempts: Int, interval: Duration,
        progress: @Sendable (String) -> Void
    ) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                _ = try await client.ping(data)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let permanent = !ConnectError.isRetryable(error)
                if permanent || attempt >= attempts {
                    var text = "\(error)"
                    if ConnectError.code(of: error) == .unimplemented {
                        text += " (no runner API at this address: check the sub-path and that [actions] ENABLED is true)"
                    }
                    throw RegistrationError.instanceUnreachable(address: address, attempts: attempt, lastError: text)
                }
                progress("cannot ping the Forgejo instance at \(address): \(error); retrying (\(attempt)/\(attempts))")
                try await Task.sleep(for: interval)
            }
        }
    }
}
