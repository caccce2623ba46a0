import Forgejo
import Foundation
import Testing

@Suite("config.yml")
struct RunnerConfigTests {
    private let environment = ["HOME": "/home/test"]

    private func load(_ yaml: String, environment: [String: String]? = nil, directory: String = "/work") throws
        -> (config: RunnerConfig, warnings: [String]) {
        try RunnerConfig.load(yaml: yaml, environment: environment ?? self.environment, currentDirectory: directory)
    }

    private func loadError(_ yaml: String) -> ConfigError? {
        do {
            _ = try load(yaml)
            Issue.record("expected an error")
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("defaults without a file")
    func defaults() throws {
        let (config, warnings) = try RunnerConfig.load(path: nil, environment: environment, currentDirectory: "/work")
        #expect(warnings.isEmpty)
        #expect(config.log.level == "info")
        #expect(config.log.jobLevel == "info")
        #expect(config.runner.file == ".runner")
        #expect(config.runner.capacity == 1)
        #expect(config.runner.envs.isEmpty)
        #expect(config.runner.envFile == "")
        #expect(config.runner.timeout == .seconds(10800))
        #expect(config.runner.shutdownTimeout == .zero)
        #expect(!config.runner.insecure)
        #expect(config.runner.fetchTimeout == .seconds(5))
        #expect(config.runner.fetchInterval == .seconds(2))
        #expect(config.runner.reportInterval == .seconds(1))
        #expect(config.runner.reportRetry.maxRetries == 10)
        #expect(config.runner.reportRetry.initialDelay == .milliseconds(100))
        #expect(config.runner.reportRetry.maxDelay == .zero)
        #expect(config.runner.labels.isEmpty)
        #expect(config.cache.enabled)
        #expect(config.cache.dir == "/home/test/.cache/actcache")
        #expect(config.cache.host == "")
        #expect(config.cache.port == 0)
        #expect(config.cache.proxyPort == 0)
        #expect(config.cache.externalServer == "")
        #expect(config.cache.secret == "")
        #expect(config.cache.actionsCacheURLOverride == "")
        #expect(config.container.network == "")
        #expect(!config.container.enableIPv6)
        #expect(!config.container.privileged)
        #expect(config.container.options == "")
        #expect(config.container.workdirParent == "workspace")
        #expect(config.container.validVolumes.isEmpty)
        #expect(config.container.dockerHost == "-")
        #expect(!config.container.forcePull)
        #expect(!config.container.forceRebuild)
        #expect(config.host.workdirParent == "/home/test/.cache/act")
        #expect(config.server.connections.isEmpty)
        #expect(config.clientTimeout == .seconds(60))
        #expect(config == RunnerConfig(home: "/home/test"))
    }

    @Test("every key is read")
    func everyKey() throws {
        let (config, warnings) = try load("""
        log:
          level: DEBUG
          job_level: warn
        runner:
          file: /var/lib/hearth/.runner
          capacity: 4
          envs:
            A: "1"
            B: two
            EMPTY:
          timeout: 1h30m
          shutdown_timeout: 10m
          insecure: true
          fetch_timeout: 10s
          fetch_interval: 1m30s
          report_interval: 500ms
          report_retry:
            max_retries: 3
            initial_delay: 1s
            max_delay: 30s
          labels:
            - ubuntu-latest:docker://node:22-bookworm
            - linux:host
        cache:
          enabled: false
          dir: /cache
          host: 10.0.0.1
          port: 4000
          proxy_port: 4001
          external_server: http://cache:8080/
          secret: s3cret
          actions_cache_url_override: http://proxy:4001
        container:
          network: host
          enable_ipv6: true
          privileged: yes
          options: --add-host=a:b
          workdir_parent: ws
          valid_volumes: ['**', data]
          docker_host: automount
          force_pull: true
          force_rebuild: true
        host:
          workdir_parent: relative/dir
        server:
          connections:
            main:
              url: https://forgejo.example.org/
              uuid: 41414141-4141-4141-4141-414141414141
              token: 0123456789abcdef0123456789abcdef01234567
              labels: [a:host]
              fetch_interval: 30s
            second:
              url: http://[::1]:3000
              uuid: 6ba7b810-9dad-11d1-80b4-00c04fd430c8
              token: t
        """)
        #expect(warnings.isEmpty)
        #expect(config.log.level == "debug")
        #expect(config.log.jobLevel == "warn")
        #expect(config.runner.file == "/var/lib/hearth/.runner")
        #expect(config.runner.capacity == 4)
        #expect(config.runner.envs == ["A": "1", "B": "two", "EMPTY": ""])
        #expect(config.runner.timeout == .seconds(5400))
        #expect(config.runner.shutdownTimeout == .seconds(600))
        #expect(config.runner.insecure)
        #expect(config.runner.fetchTimeout == .seconds(10))
        #expect(config.runner.fetchInterval == .seconds(90))
        #expect(config.runner.reportInterval == .milliseconds(500))
        #expect(config.runner.reportRetry.maxRetries == 3)
        #expect(config.runner.reportRetry.initialDelay == .seconds(1))
        #expect(config.runner.reportRetry.maxDelay == .seconds(30))
        #expect(config.runner.labels.map(\.description) == ["ubuntu-latest:docker://node:22-bookworm", "linux:host"])
        #expect(!config.cache.enabled)
        #expect(config.cache.dir == "/cache")
        #expect(config.cache.host == "10.0.0.1")
        #expect(config.cache.port == 4000)
        #expect(config.cache.proxyPort == 4001)
        #expect(config.cache.externalServer == "http://cache:8080/")
        #expect(config.cache.secret == "s3cret")
        #expect(config.cache.actionsCacheURLOverride == "http://proxy:4001")
        #expect(config.container.network == "host")
        #expect(config.container.enableIPv6)
        #expect(config.container.privileged)
        #expect(config.container.options == "--add-host=a:b")
        #expect(config.container.workdirParent == "ws")
        #expect(config.container.validVolumes == ["**", "data"])
        #expect(config.container.dockerHost == "automount")
        #expect(config.container.forcePull)
        #expect(config.container.forceRebuild)
        #expect(config.host.workdirParent == "/work/relative/dir")
        #expect(config.server.connections.map(\.name) == ["main", "second"])
        let main = config.server.connections[0]
        #expect(main.url == "https://forgejo.example.org/")
        #expect(main.uuid == "41414141-4141-4141-4141-414141414141")
        #expect(main.token == "0123456789abcdef0123456789abcdef01234567")
        #expect(main.labels.map(\.name) == ["a"])
        #expect(main.fetchInterval == .seconds(30))
        #expect(config.server.connections[1].fetchInterval == nil)
    }

    @Test("Go durations", arguments: [
        ("1m30s", Duration.seconds(90)), ("300ms", .milliseconds(300)), ("1.5h", .seconds(5400)), ("2h45m", .seconds(9900)),
        ("0", .zero), ("10us", .microseconds(10)), ("10µs", .microseconds(10)), ("1ns", .nanoseconds(1)), ("+5s", .seconds(5)),
        (".5s", .milliseconds(500)), ("1.s", .seconds(1)), ("-1.5s", .milliseconds(-1500)), ("1h1m1s1ms1us1ns", .nanoseconds(3_661_001_001_001)),
    ])
    func goDurations(text: String, expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test("invalid Go durations", arguments: ["", "2x", "5", "s", "1.5", "1h-5m", ".s", "-", "10 s", "9999999999h"])
    func invalidDurations(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test("formatting durations")
    func formatDurations() {
        #expect(GoDuration.format(.zero) == "0s")
        #expect(GoDuration.format(.seconds(90)) == "1m30s")
        #expect(GoDuration.format(.seconds(10800)) == "3h")
        #expect(GoDuration.format(.seconds(7205)) == "2h5s")
        #expect(GoDuration.format(.milliseconds(100)) == "100ms")
        #expect(GoDuration.format(.milliseconds(1500)) == "1.5s")
        #expect(GoDuration.format(.microseconds(1500)) == "1.5ms")
        #expect(GoDuration.format(.milliseconds(-250)) == "-250ms")
        for value in [Duration.seconds(12345), .milliseconds(1), .nanoseconds(987_654_321)] {
            #expect(GoDuration.parse(GoDuration.format(value)) == value)
        }
    }

    @Test("an invalid duration names the key")
    func invalidDurationError() throws {
        let error = try #require(loadError("runner:\n  fetch_interval: 2x\n"))
        #expect(error.key == "runner.fetch_interval")
        #expect(error.line == 2)
        #expect(error.description == #"config.yml:2: runner.fetch_interval: "2x" is not a duration (use Go syntax such as 2s or 1m30s)"#)
        let bare = try #require(loadError("runner:\n  timeout: 30\n"))
        #expect(bare.message.contains("30s"))
    }

    @Test("invalid values name their key", arguments: [
        ("runner:\n  capacity: many\n", "runner.capacity"),
        ("runner:\n  insecure: maybe\n", "runner.insecure"),
        ("log:\n  level: loud\n", "log.level"),
        ("cache:\n  port: 70000\n", "cache.port"),
        ("runner:\n  labels: linux:host\n", "runner.labels"),
        ("runner:\n  envs: [a, b]\n", "runner.envs"),
        ("container:\n  valid_volumes:\n    - {a: b}\n", "container.valid_volumes[0]"),
        ("runner:\n  report_retry:\n    initial_delay: soon\n", "runner.report_retry.initial_delay"),
        ("runner: [a]\n", "runner"),
        ("server:\n  connections:\n    c:\n      uuid: 41414141-4141-4141-4141-414141414141\n      token: t\n", "server.connections.c.url"),
        ("server:\n  connections:\n    c:\n      url: ftp://x\n      uuid: 41414141-4141-4141-4141-414141414141\n      token: t\n", "server.connections.c.url"),
        ("server:\n  connections:\n    c:\n      url: http://x\n      uuid: nope\n      token: t\n", "server.connections.c.uuid"),
        ("server:\n  connections:\n    c:\n      url: http://x\n      uuid: 41414141-4141-4141-4141-414141414141\n", "server.connections.c.token"),
    ])
    func invalidValues(yaml: String, key: String) throws {
        let error = try #require(loadError(yaml))
        #expect(error.key == key)
        #expect(error.description.contains(key))
    }

    @Test("file-level problems")
    func fileProblems() throws {
        #expect(loadError("- a\n- b\n")?.key == nil)
        #expect(loadError("runner:\n  capacity: 1\n  capacity: 2\n") != nil)
        #expect(loadError("runner: {\n") != nil)
        #expect(throws: ConfigError.self) {
            try RunnerConfig.load(path: "/nonexistent/config.yml", environment: environment)
        }
        // Empty and comment-only files are fine.
        #expect(try load("").config == RunnerConfig(home: "/home/test"))
        #expect(try load("# nothing\n").warnings.isEmpty)
        #expect(try load("runner:\ncache: ~\n").config == RunnerConfig(home: "/home/test"))
    }

    @Test("unknown keys are warnings with a suggestion")
    func unknownKeys() throws {
        let (config, warnings) = try load("""
        runner:
          fetch_intervall: 5s
          capacity: 2
          workdir_parent: /x
          github_mirror: https://gitea.com
        cach:
          enabled: true
        metrics:
          listen: ":9000"
        """)
        #expect(config.runner.capacity == 2)
        #expect(warnings.count == 5)
        #expect(warnings[0] == "config.yml:2: runner.fetch_intervall: unknown key, ignored (did you mean runner.fetch_interval?)")
        #expect(warnings[1].contains("container.workdir_parent or host.workdir_parent"))
        #expect(warnings[2].contains("gitea act_runner"))
        #expect(warnings[3].contains("did you mean cache?"))
        #expect(warnings[4] == "config.yml:8: metrics: unknown key, ignored")
    }

    @Test("values forgejo-runner ignores are ignored with a warning")
    func ignoredValues() throws {
        let (config, warnings) = try load("""
        runner:
          capacity: -2
          timeout: -5m
          report_retry:
            max_retries: 0
        """)
        #expect(config.runner.capacity == 1)
        #expect(config.runner.timeout == .seconds(10800))
        #expect(config.runner.reportRetry.maxRetries == 10)
        #expect(warnings.count == 3)
        #expect(warnings.allSatisfy { $0.contains("ignored") })
    }

    @Test("zero keeps the default where forgejo-runner does")
    func zeroDefaults() throws {
        let (config, _) = try load("runner:\n  capacity: 0\n  timeout: 0s\n  fetch_interval: 0\n  shutdown_timeout: 0s\n  file: ''\n")
        #expect(config.runner.capacity == 1)
        #expect(config.runner.timeout == .seconds(10800))
        #expect(config.runner.fetchInterval == .seconds(2))
        #expect(config.runner.file == ".runner")
    }

    @Test("invalid labels are skipped with a warning")
    func invalidLabels() throws {
        let (config, warnings) = try load("runner:\n  labels: [a:host, 'b:bogus', c]\n")
        #expect(config.runner.labels.map(\.name) == ["a", "c"])
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("b:bogus"))
    }

    @Test("network_mode is the deprecated spelling of network")
    func networkMode() throws {
        let bridge = try load("container:\n  network_mode: bridge\n")
        #expect(bridge.config.container.network == "")
        #expect(bridge.warnings.count == 1)
        #expect(try load("container:\n  network_mode: mynet\n").config.container.network == "mynet")
        let both = try load("container:\n  network_mode: a\n  network: b\n")
        #expect(both.config.container.network == "b")
    }

    @Test("env_file is merged into envs and wins")
    func envFile() throws {
        let directory = NSTemporaryDirectory() + "hearth-env-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        # comment
        export FROM_FILE=yes
        SHARED = from file   # trailing comment
        QUOTED="line1\\nline2"
        SINGLE='$HOME is literal'
        COLON: value
        """.write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let (config, warnings) = try load("runner:\n  env_file: .env\n  envs:\n    SHARED: from config\n    ONLY: config\n",
                                          directory: directory)
        #expect(warnings.isEmpty)
        #expect(config.runner.envs == [
            "FROM_FILE": "yes", "SHARED": "from file", "QUOTED": "line1\nline2", "SINGLE": "$HOME is literal",
            "COLON": "value", "ONLY": "config",
        ])
        // A missing file is ignored; a directory or a malformed file is an error naming the key.
        #expect(try load("runner:\n  env_file: missing.env\n", directory: directory).config.runner.envs.isEmpty)
        try FileManager.default.createDirectory(atPath: directory + "/envdir", withIntermediateDirectories: true)
        #expect(throws: ConfigError.self) { try load("runner:\n  env_file: envdir\n", directory: directory) }
        try "JUST A LINE\n".write(toFile: directory + "/bad.env", atomically: true, encoding: .utf8)
        do {
            _ = try load("runner:\n  env_file: bad.env\n", directory: directory)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.key == "runner.env_file")
            #expect(error.message.contains("line 1"))
        }
    }

    @Test("legacy GITEA_* variables apply only without a config file")
    func legacyEnvironment() throws {
        var environment = self.environment
        environment["GITEA_RUNNER_CAPACITY"] = "3"
        environment["GITEA_DEBUG"] = "true"
        environment["GITEA_RUNNER_FILE"] = "/data/.runner"
        environment["GITEA_RUNNER_ENVIRON"] = "A:1,B:x:y,:bad"
        let (config, warnings) = try RunnerConfig.load(path: nil, environment: environment, currentDirectory: "/work")
        #expect(config.runner.capacity == 3)
        #expect(config.log.level == "debug")
        #expect(config.runner.file == "/data/.runner")
        #expect(config.runner.envs == ["A": "1", "B": "x:y"])
        #expect(warnings.count == 4)

        let withFile = try load("runner:\n  capacity: 2\n", environment: environment)
        #expect(withFile.config.runner.capacity == 2)
        #expect(withFile.config.log.level == "info")
        #expect(withFile.warnings.count == 4)
        #expect(withFile.warnings.allSatisfy { $0.contains("ignored because a config file is used") })
    }

    @Test("FORGEJO_CLIENT_TIMEOUT sets the HTTP client timeout")
    func clientTimeout() throws {
        var environment = self.environment
        environment["FORGEJO_CLIENT_TIMEOUT"] = "15"
        #expect(try load("", environment: environment).config.clientTimeout == .seconds(15))
        environment["FORGEJO_CLIENT_TIMEOUT"] = "soon"
        let (config, warnings) = try load("", environment: environment)
        #expect(config.clientTimeout == .seconds(60))
        #expect(warnings.count == 1)
    }

    @Test("codeberg.org gets at least 30s between fetches")
    func codeberg() throws {
        let config = RunnerConfig(home: "/h")
        #expect(config.fetchInterval(forInstance: "https://codeberg.org") == .seconds(30))
        #expect(config.fetchInterval(forInstance: "https://forgejo.example.org") == .seconds(2))
    }

    @Test("loading from a file path")
    func fromFile() throws {
        let path = NSTemporaryDirectory() + "hearth-config-\(UUID().uuidString).yml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "runner:\n  capacity: 3\n  bogus: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (config, warnings) = try RunnerConfig.load(path: path, environment: environment)
        #expect(config.runner.capacity == 3)
        #expect(warnings == ["\(path):3: runner.bogus: unknown key, ignored"])
        try "runner:\n  capacity: x\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try RunnerConfig.load(path: path, environment: environment)
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.file == path)
            #expect(error.description.hasPrefix("\(path):2: runner.capacity:"))
        }
    }
}

@Suite("config.yml template")
struct ConfigTemplateTests {
    @Test("the template loads back to the defaults without warnings")
    func roundTrip() throws {
        let (config, warnings) = try RunnerConfig.load(yaml: ConfigTemplate.text, environment: ["HOME": "/home/t"],
                                                       currentDirectory: "/")
        #expect(warnings.isEmpty)
        #expect(config == RunnerConfig(home: "/home/t"))
    }

    @Test("the template lists every key with a comment")
    func everyKey() {
        let text = ConfigTemplate.text
        for key in ["level:", "job_level:", "file:", "capacity:", "envs:", "env_file:", "timeout:", "shutdown_timeout:",
                    "insecure:", "fetch_timeout:", "fetch_interval:", "report_interval:", "report_retry:", "max_retries:",
                    "initial_delay:", "max_delay:", "labels:", "enabled:", "dir:", "host:", "port:", "proxy_port:",
                    "external_server:", "secret:", "actions_cache_url_override:", "network:", "enable_ipv6:", "privileged:",
                    "options:", "workdir_parent:", "valid_volumes:", "docker_host:", "force_pull:", "force_rebuild:",
                    "connections:"] {
            #expect(text.contains(key), "missing \(key)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
            && line.contains(": ") {
            #expect(index > 0 && lines[index - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#"), "no comment above \(line)")
        }
        #expect(text.hasSuffix("\n"))
    }

    @Test("uncommenting the server example gives a valid connection")
    func serverExample() throws {
        let text = ConfigTemplate.text.split(separator: "\n").filter { $0.hasPrefix("#   ") || $0.hasPrefix("# server:") }
            .map { String($0.dropFirst(2)) }.joined(separator: "\n")
        let (config, warnings) = try RunnerConfig.load(yaml: text, environment: ["HOME": "/h"])
        #expect(warnings.isEmpty)
        #expect(config.server.connections.count == 1)
    }
}
