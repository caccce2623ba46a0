import ArgumentParser
import ForgejoTestDouble
import Foundation

/// `hearth-forgejo-double`: runs the Forgejo runner-API test double as a server, so a runner can be
/// registered and fed jobs on one machine.
@main
struct HearthForgejoDouble: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth-forgejo-double",
        abstract: "Serve a fake Forgejo runner API (Connect, /api/actions) for trying or testing a runner.",
        discussion: """
            The double keeps everything in memory. It prints its base URL and the registration \
            token, then serves until interrupted. Next to the runner API it offers an admin API \
            under /_double/ (JSON answers).

            Try the Hearth daemon end to end (default --listen [::]:3000; jobs whose runs-on is \
            "debian" run on the host because of the label debian:host):

              T=0123456789abcdef0123456789abcdef01234567
              hearth-forgejo-double --registration-token $T &
              hearth register --no-interactive --instance http://localhost:3000 \\
                  --token $T --name demo --labels debian:host
              hearth daemon &
              curl -s --data-binary @.forgejo/workflows/ci.yml \\
                  'http://localhost:3000/_double/runs?file=.forgejo/workflows/ci.yml'
              curl -s http://localhost:3000/_double/tasks/1         # status, steps, outputs
              curl -s http://localhost:3000/_double/tasks/1/log     # the log as text
              curl -s -X POST http://localhost:3000/_double/tasks/1/cancel

            Admin API:
              GET  /_double/                     summary (URLs, registration token, counts)
              GET  /_double/registration-token   {"token": ...}
              POST /_double/registration-token   reset it (the old one becomes invalid)
              POST /_double/runs                 queue a run; body = workflow YAML;
                   query (all optional): event=push, file=.forgejo/workflows/test.yml,
                   ref=refs/heads/main, sha=..., secret=NAME=value, var=NAME=value
                   (repeatable) -> {"run_id": N, "job_ids": [...]}
              GET  /_double/jobs[/ID]            jobs (status, runs-on, handle, payload)
              POST /_double/jobs/ID/cancel       cancel a job
              GET  /_double/tasks[/ID]           tasks (status, steps, outputs, log rows)
              GET  /_double/tasks/ID/log         log lines as text
              POST /_double/tasks/ID/cancel      cancel a running task (seen in the next
                                                 UpdateTask reply)
              GET  /_double/runners              registered runners
              POST /_double/reap                 run the reapers now

            Jobs match a runner when every runs-on label is one of the runner's label names. \
            Workflows may use matrices; runs-on/name/matrix expressions may use matrix, vars, \
            github and inputs only. Artifacts, cache, git and the REST API are not served.
            """)

    @Option(name: .long, help: "Address and port to listen on: [::]:3000, 127.0.0.1:8080, :0 (ephemeral).")
    var listen = "[::]:3000"

    @Option(name: .long, help: "Use this registration token instead of a random one.")
    var registrationToken: String?

    @Option(name: .long, help: "ROOT_URL reported to runners (context server_url); default: the listening URL.")
    var serverURL: String?

    @Option(name: .long, help: "The repository every run belongs to (owner/name).")
    var repository = "hearth/demo"

    @Option(name: .long, help: "DEFAULT_ACTIONS_URL reported to runners.")
    var defaultActionsURL: String?

    @Flag(name: .long, help: "Behave like Gitea (errors as unknown/500, no FetchSingleTask, gitea_* context keys only).")
    var gitea = false

    @Option(name: .long, help: "Seconds without UpdateTask before a running task is failed (zombie reaper).")
    var zombieTimeout: Double = 600

    @Option(name: .long, help: "Seconds a task may run before it is failed (endless reaper).")
    var endlessTimeout: Double = 3 * 3600

    @Option(name: .long, help: "Seconds a job may wait before it is cancelled (abandoned reaper).")
    var abandonedTimeout: Double = 24 * 3600

    @Option(name: .long, help: "Seconds between reaper runs.")
    var reaperInterval: Double = 30

    @Option(name: .long, help: "Queue this workflow file at start (repeatable). Its path is used as the workflow file name.")
    var workflow: [String] = []

    func run() async throws {
        let (host, port) = try Self.parseListen(listen)
        let double = ForgejoDouble(configuration: ForgejoDouble.Configuration(
            giteaMode: gitea,
            zombieTaskTimeout: .milliseconds(Int64(zombieTimeout * 1000)),
            endlessTaskTimeout: .milliseconds(Int64(endlessTimeout * 1000)),
            abandonedJobTimeout: .milliseconds(Int64(abandonedTimeout * 1000)),
            reaperInterval: .milliseconds(Int64(max(0.05, reaperInterval) * 1000)),
            defaultActionsURL: defaultActionsURL,
            serverURL: serverURL,
            repository: repository,
            registrationToken: registrationToken))
        let address = try await double.start(host: host, port: port)
        say("Forgejo test double listening on \(address.host == "::" || address.host == "0.0.0.0" ? "\(host) port \(address.port)" : address.url)")
        say("Instance URL:       \(double.baseURL)")
        say("Runner API:         \(double.runnerAPIURL)")
        say("Registration token: \(double.registrationToken)")
        say("Admin API:          \(double.baseURL)/_double/")
        for file in workflow {
            let yaml = try String(contentsOfFile: file, encoding: .utf8)
            let ids = try double.queue(workflowYAML: yaml, file: file)
            say("Queued \(file): jobs \(ids.map(\.description).joined(separator: ", "))")
        }
        await double.waitUntilStopped()
    }

    /// Writes a line to standard output at once (no buffering, so pipes see it immediately).
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Splits `[::]:3000`, `127.0.0.1:8080`, `localhost:0`, `:3000` or `3000` into host and port.
    static func parseListen(_ text: String) throws -> (String, Int) {
        var host = "::"
        var portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...])
            guard portText.hasPrefix(":") else { throw ValidationError("--listen needs a port: [\(host)]:PORT") }
            portText.removeFirst()
        } else if let colon = text.lastIndex(of: ":") {
            let hostPart = String(text[..<colon])
            if hostPart.contains(":") { throw ValidationError("bracket IPv6 addresses: [\(hostPart)]:PORT") }
            if !hostPart.isEmpty { host = hostPart }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ValidationError("invalid port in --listen \(text)")
        }
        return (host, port)
    }
}
