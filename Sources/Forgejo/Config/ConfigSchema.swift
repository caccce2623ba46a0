/// Every key of `config.yml`, in template order. forgejo-runner's keys (§6 of the protocol
/// notes) with the same defaults and the same tolerance: values forgejo-runner ignores with a
/// warning (negative durations, capacity below 1) are ignored with a warning here too; values it
/// cannot parse are errors.
///
/// To add a key: add the property to ``RunnerConfig`` and one entry below; the loader, the
/// unknown-key check and ``ConfigTemplate`` pick it up.
enum ConfigSchema {
    static let logLevels = ["trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"]

    static var keys: [ConfigKey] {
        [
            .string("log.level", \.log.level, template: "info", doc: [
                "Level of the runner's own log: trace, debug, info, warn, error or fatal.",
            ], allowed: logLevels),
            .string("log.job_level", \.log.jobLevel, template: "info", doc: [
                "Level of the runner's messages written into job logs (same values).",
            ], allowed: logLevels),

            .string("runner.file", \.runner.file, template: ".runner", doc: [
                "Where `register` stores the runner's credentials (uuid, token) and reads them back.",
            ]),
            .int("runner.capacity", \.runner.capacity, minimum: 1, zeroKeepsDefault: true, template: "1", doc: [
                "How many tasks may run at the same time.",
            ]),
            .stringMap("runner.envs", \.runner.envs, template: "{}", doc: [
                "Extra environment variables for every job, as NAME: value pairs, e.g.",
                "  envs:",
                "    HTTP_PROXY: http://proxy.example.org:3128",
            ]),
            .string("runner.env_file", \.runner.envFile, template: "\"\"", doc: [
                "A file of NAME=value lines merged into envs (its values win). Ignored when empty",
                "or when the file does not exist. Relative paths start at the working directory.",
            ]),
            .duration("runner.timeout", \.runner.timeout, zeroKeepsDefault: true, template: "3h", doc: [
                "Longest a job may run before the runner cancels it. Durations use Go syntax:",
                "300ms, 5s, 1m30s, 3h. Keep it below the instance's ENDLESS_TASK_TIMEOUT (3h by default).",
            ]),
            .duration("runner.shutdown_timeout", \.runner.shutdownTimeout, zeroKeepsDefault: false, template: "0s", doc: [
                "On SIGINT/SIGTERM, how long running jobs may go on before they are cancelled.",
                "0s cancels them immediately.",
            ]),
            .bool("runner.insecure", \.runner.insecure, template: "false", doc: [
                "Skip verifying the TLS certificate of the Forgejo instance (https only). Prefer adding",
                "the instance's CA certificate to the system trust store.",
            ]),
            .duration("runner.fetch_timeout", \.runner.fetchTimeout, zeroKeepsDefault: true, template: "5s", doc: [
                "How long one request for new work may take.",
            ]),
            .duration("runner.fetch_interval", \.runner.fetchInterval, zeroKeepsDefault: true, template: "2s", doc: [
                "Minimum time between two requests for new work (at least 30s for codeberg.org).",
                "Above 1m the instance shows the runner as offline between requests.",
            ]),
            .duration("runner.report_interval", \.runner.reportInterval, zeroKeepsDefault: true, template: "1s", doc: [
                "How often logs and step states of a running job are sent to the instance.",
            ]),
            .int("runner.report_retry.max_retries", \.runner.reportRetry.maxRetries, minimum: 1, zeroKeepsDefault: false, template: "10", doc: [
                "When a job has finished: how many times to try delivering its last logs and result.",
            ]),
            .duration("runner.report_retry.initial_delay", \.runner.reportRetry.initialDelay, zeroKeepsDefault: true,
                      template: "100ms", doc: [
                "Pause after the first failed attempt; it doubles after each further failure.",
            ]),
            .duration("runner.report_retry.max_delay", \.runner.reportRetry.maxDelay, zeroKeepsDefault: false,
                      template: "0s", doc: [
                "Longest pause between attempts; 0s means no limit.",
            ]),
            .labels("runner.labels", \.runner.labels, template: "[]", doc: [
                "Labels decide which jobs this runner takes (a job's runs-on must all be among the",
                "label names) and how it runs them: name:docker://image runs in a container,",
                "name:host directly on this machine, name:lxc://debian:bookworm in LXC; a bare name",
                "means name:docker://node:22-bookworm. Example:",
                "  labels:",
                "    - ubuntu-latest:docker://node:22-bookworm",
                "    - self-hosted:host",
                "When not empty these replace the labels saved by `register` and are declared to the",
                "instance at every start.",
            ]),

            .bool("cache.enabled", \.cache.enabled, template: "true", doc: [
                "Run the cache server used by actions/cache.",
            ]),
            .string("cache.dir", \.cache.dir, template: "\"\"", doc: [
                "Where cached data is stored; empty means $HOME/.cache/actcache.",
            ]),
            .string("cache.host", \.cache.host, template: "\"\"", doc: [
                "Host name or IP address jobs use to reach the cache (not a listen address, so never",
                "0.0.0.0); empty means detect this machine's outbound IP address.",
            ]),
            .port("cache.port", \.cache.port, template: "0", doc: [
                "Port of the cache server; 0 picks a free port.",
            ]),
            .port("cache.proxy_port", \.cache.proxyPort, template: "0", doc: [
                "Port of the cache proxy jobs talk to; 0 picks a free port.",
            ]),
            .string("cache.external_server", \.cache.externalServer, template: "\"\"", doc: [
                "URL of a cache server shared by several runners (usually ending with /); when set,",
                "no cache server is started here and cache.secret must be the server's secret.",
            ]),
            .string("cache.secret", \.cache.secret, template: "\"\"", doc: [
                "Secret shared by the cache proxy and server; empty means a random one at each start.",
            ]),
            .string("cache.actions_cache_url_override", \.cache.actionsCacheURLOverride, template: "\"\"", doc: [
                "ACTIONS_CACHE_URL given to jobs, verbatim (no trailing /); empty means derive it.",
            ]),

            .string("container.network", \.container.network, template: "\"\"", doc: [
                "Network of job containers: host, bridge or a network name; empty creates one",
                "network per job.",
            ]),
            .custom("container.network_mode", template: nil, doc: []) { value, _, context in
                context.networkMode = try value.string()
            },
            .bool("container.enable_ipv6", \.container.enableIPv6, template: "false", doc: [
                "Create the per-job networks with IPv6 (only when network is empty).",
            ]),
            .bool("container.privileged", \.container.privileged, template: "false", doc: [
                "Run job containers privileged (needed for Docker-in-Docker).",
            ]),
            .string("container.options", \.container.options, template: "\"\"", doc: [
                "Extra options for creating job containers, e.g. --add-host=forgejo.example.org:host-gateway.",
            ]),
            .string("container.workdir_parent", \.container.workdirParent, template: "workspace", doc: [
                "Parent directory of the job workspace inside containers (/workspace/<owner>/<repo>).",
            ]),
            .stringList("container.valid_volumes", \.container.validVolumes, template: "[]", doc: [
                "Volumes and bind mounts jobs may use, as globs; empty allows none, '**' allows all.",
                "  valid_volumes:",
                "    - data",
                "    - /src/*.json",
            ]),
            .string("container.docker_host", \.container.dockerHost, template: "\"-\"", doc: [
                "Docker socket given to job containers: \"-\" gives none, automount finds and mounts",
                "the local one, a URL such as unix:///run/podman/podman.sock mounts that one.",
            ]),
            .bool("container.force_pull", \.container.forcePull, template: "false", doc: [
                "Pull images even when they are present.",
            ]),
            .bool("container.force_rebuild", \.container.forceRebuild, template: "false", doc: [
                "Rebuild images of local (Dockerfile) actions even when they are present.",
            ]),

            .string("host.workdir_parent", \.host.workdirParent, template: "\"\"", doc: [
                "Parent directory of workspaces for jobs run with host labels; empty means",
                "$HOME/.cache/act. Relative paths start at the working directory.",
            ]),

            .custom("server.connections", template: nil, doc: [], ConfigConnections.apply),
        ]
    }

    /// Comments above each section in the template.
    static let sectionDocs: [String: [String]] = [
        "log": ["Logging of the runner process."],
        "runner": ["Connection to the Forgejo instance and running of jobs."],
        "runner.report_retry": ["Delivering the last logs and result of a finished job when the instance does not answer."],
        "cache": ["Cache for actions/cache, kept on the runner side and never sent to Forgejo."],
        "container": ["Job containers (labels with the docker scheme)."],
        "host": ["Jobs run directly on this machine (labels with the host scheme)."],
    ]

    /// Commented text appended to the template.
    static let templateTrailer: [String] = [
        "",
        "# Runner credentials can also be given here instead of in the .runner file, for one or",
        "# more instances; each connection needs url, uuid and token, while labels and",
        "# fetch_interval default to runner.labels and runner.fetch_interval:",
        "# server:",
        "#   connections:",
        "#     forgejo:",
        "#       url: https://forgejo.example.org/",
        "#       uuid: 41414141-4141-4141-4141-414141414141",
        "#       token: 0123456789abcdef0123456789abcdef01234567",
        "#       labels: []",
        "#       fetch_interval: 2s",
    ]

    /// Keys that only gitea act_runner reads: warned about, not applied.
    static let ignoredKeys: [String: String] = [
        "runner.github_mirror": "only used by gitea act_runner; ignored",
        "container.require_docker": "only used by gitea act_runner; ignored",
        "container.docker_timeout": "only used by gitea act_runner; ignored",
    ]
}
