import Backends
import Foundation

/// Runs the `git` command line for one repository, non-interactively: no terminal prompts, no
/// credential helpers or `.netrc` (HOME is the cache directory), no user or system configuration,
/// only the http and https transports, English messages. The token travels in
/// an `Authorization` header configured through the environment (`GIT_CONFIG_*`), scoped to the
/// repository URL, so it is never on a command line; every line of output is masked.
struct GitRunner: Sendable {
    /// What a git command printed (stdout and stderr merged, masked) and how it ended.
    struct Output: Sendable {
        var exitCode: Int32
        var lines: [String]

        var succeeded: Bool { exitCode == 0 }
        var text: String { lines.joined(separator: "\n") }
    }

    /// The clone URL given to git (may carry credentials).
    let cloneURL: String
    /// The URL for messages.
    let displayURL: String
    /// True when credentials go with the requests (the token, or a `user:password@` URL).
    let sendsCredentials: Bool
    private let environment: [String: String]
    private let mask: CredentialMask

    /// Most lines kept from one command (ls-remote of a repository with very many refs).
    private static let maximumLines = 200_000

    init(cloneURL: String, token: String?, home: String) {
        self.cloneURL = cloneURL
        displayURL = ActionURL.removingCredentials(from: cloneURL)
        let urlCredentials = ActionURL.credentials(in: cloneURL)

        var config: [(String, String)] = [
            ("credential.helper", ""),
            ("core.askPass", ""),
            ("init.defaultBranch", "main"),
            ("advice.detachedHead", "false"),
            ("gc.auto", "0"),
            ("maintenance.auto", "false"),
            ("protocol.version", "2"),
            // Give up on a transfer that stalls (under 1 KB/s for a minute) instead of hanging.
            ("http.lowSpeedLimit", "1000"),
            ("http.lowSpeedTime", "60"),
        ]
        var secrets: [String] = []
        if let urlCredentials {
            secrets.append(urlCredentials)
            if let colon = urlCredentials.firstIndex(of: ":") {
                let password = String(urlCredentials[urlCredentials.index(after: colon)...])
                secrets.append(password)
                secrets.append(password.removingPercentEncoding ?? password)
            }
        }
        if let token, !token.isEmpty {
            let encoded = Data("token:\(token)".utf8).base64EncodedString()
            config.append(("http.\(cloneURL).extraHeader", "Authorization: Basic \(encoded)"))
            secrets += [token, encoded]
        }
        sendsCredentials = urlCredentials != nil || (token?.isEmpty == false)
        mask = CredentialMask(secrets)

        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "GIT_ALLOW_PROTOCOL": "http:https",
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GCM_INTERACTIVE": "never",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
        ]
        for name in Self.passedThrough {
            if let value = inherited[name] { environment[name] = value }
        }
        environment["GIT_CONFIG_COUNT"] = String(config.count)
        for (index, entry) in config.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = entry.0
            environment["GIT_CONFIG_VALUE_\(index)"] = entry.1
        }
        self.environment = environment
    }

    /// Proxy and TLS settings git should still see.
    private static let passedThrough = [
        "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_SSL_NO_VERIFY", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
        "TMPDIR",
    ]

    /// Masks secrets in text (for messages built from git output).
    func masked(_ text: String) -> String {
        mask.apply(text)
    }

    /// Runs `git <arguments>` in `directory` and collects its output. Cancelling the task stops
    /// git (SIGTERM to its process group, SIGKILL two seconds later).
    func run(_ arguments: [String], in directory: String) async throws(ActionFetchError) -> Output {
        let spec = ProcessSpec(executable: "git", arguments: arguments, environment: environment, workingDirectory: directory)
        let process: ChildProcess
        do {
            process = try ChildProcess.launch(spec)
        } catch {
            throw .gitFailed(url: displayURL, detail: "cannot run git: \(error.message)")
        }
        let lines = await withTaskCancellationHandler {
            var lines: [String] = []
            for await line in process.lines where lines.count < Self.maximumLines {
                lines.append(line)
            }
            return lines
        } onCancel: {
            process.terminate(grace: .seconds(2))
        }
        let exitCode = await process.waitForExit()
        if Task.isCancelled { throw .cancelled }
        return Output(exitCode: exitCode, lines: lines.map(mask.apply))
    }

    /// The error a failed network command (`fetch`, `ls-remote`) stands for.
    func failure(of output: Output, ref: String) -> ActionFetchError {
        let text = output.text.lowercased()
        func has(_ needles: String...) -> Bool { needles.contains { text.contains($0) } }

        if has("terminal prompts disabled", "could not read username", "could not read password",
            "authentication failed", "returned error: 401", "returned error: 403")
        {
            return sendsCredentials ? .authenticationFailed(url: displayURL) : .authenticationRequired(url: displayURL)
        }
        if has("returned error: 404", "does not appear to be a git repository")
            || (text.contains("repository '") && text.contains("' not found"))
        {
            return .repositoryNotFound(url: displayURL)
        }
        if has("couldn't find remote ref", "not our ref", "unadvertised object", "no such remote ref", "bad object") {
            return .refNotFound(ref: ref, url: displayURL)
        }
        if has("unable to access", "could not resolve", "failed to connect", "couldn't connect", "connection refused",
            "connection timed out", "timed out", "network is unreachable", "no route to host", "connection reset",
            "empty reply from server", "recv failure", "send failure", "ssl", "gnutls", "certificate",
            "returned error: 5", "unexpected disconnect", "the remote end hung up", "transfer closed",
            "operation too slow")
        {
            return .unreachable(url: displayURL, detail: Self.summary(of: output))
        }
        return .gitFailed(url: displayURL, detail: Self.summary(of: output))
    }

    /// The most telling line of git's output: the last `fatal:`/`error:` line, without the URL
    /// that the message names anyway.
    static func summary(of output: Output) -> String {
        let candidates = output.lines.filter { $0.hasPrefix("fatal: ") || $0.hasPrefix("error: ") }
        guard var line = candidates.last ?? output.lines.last(where: { !$0.isEmpty }) else {
            return "git exited with status \(output.exitCode)"
        }
        for prefix in ["fatal: ", "error: "] where line.hasPrefix(prefix) { line.removeFirst(prefix.count) }
        if line.hasPrefix("unable to access '"), let end = line.range(of: "': ") {
            line = String(line[end.upperBound...])
        }
        return line
    }
}
