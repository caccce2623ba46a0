/// A micro-benchmark of expression evaluation, for the project's benchmark executable.
public enum ExpressionBenchmark {
    /// What `run(iterations:)` measured.
    public struct Result: Sendable, CustomStringConvertible {
        public var expression: String
        public var iterations: Int
        public var seconds: Double
        public var evaluationsPerSecond: Double
        /// Parses per second of the same expression (measured over `iterations / 10` parses).
        public var parsesPerSecond: Double

        public var description: String {
            "\(expression): \(Int(evaluationsPerSecond)) evaluations/s, \(Int(parsesPerSecond)) parses/s"
        }
    }

    /// The typical `if:` condition measured.
    public static let typicalCondition = "success() && github.event_name == 'push' && contains(github.ref, 'refs/heads/')"

    /// Parses `typicalCondition` once, then evaluates it `iterations` times against a realistic
    /// `github` context (~30 keys) on the calling thread.
    public static func run(iterations: Int) -> Result {
        let context = EvaluationContext(contexts: ObjectValue([
            ("github", sampleGitHubContext()),
            ("env", ["CI": "true", "HOME": "/home/runner"]),
            ("runner", ["os": "Linux", "arch": "X64", "temp": "/tmp"]),
        ]))
        let expression: Expression
        do {
            expression = try Expression(typicalCondition)
        } catch {
            fatalError("benchmark expression failed to parse: \(error)")
        }

        let clock = ContinuousClock()
        var truthy = 0
        let evaluationTime = clock.measure {
            for _ in 0..<iterations {
                if (try? expression.evaluate(context))?.isTruthy == true { truthy += 1 }
            }
        }
        precondition(truthy == iterations, "benchmark expression should be true")

        let parses = max(1, iterations / 10)
        var parsed = 0
        let parseTime = clock.measure {
            for _ in 0..<parses where (try? Expression(typicalCondition)) != nil { parsed += 1 }
        }
        precondition(parsed == parses)

        let seconds = evaluationTime.seconds
        return Result(
            expression: typicalCondition,
            iterations: iterations,
            seconds: seconds,
            evaluationsPerSecond: Double(iterations) / max(seconds, 1e-9),
            parsesPerSecond: Double(parses) / max(parseTime.seconds, 1e-9))
    }

    /// A `github` context shaped like a push event's.
    static func sampleGitHubContext() -> Value {
        var github = ObjectValue()
        let fields: [(String, Value)] = [
            ("action", "__run"), ("action_path", ""), ("action_ref", ""), ("action_repository", ""),
            ("actor", "monalisa"), ("actor_id", "12102068"), ("api_url", "https://api.github.com"),
            ("base_ref", ""), ("env", "/home/runner/work/_temp/_runner_file_commands/set_env"),
            ("event_name", "push"), ("event_path", "/home/runner/work/_temp/_github_workflow/event.json"),
            ("graphql_url", "https://api.github.com/graphql"), ("head_ref", ""), ("job", "build"),
            ("path", "/home/runner/work/_temp/_runner_file_commands/add_path"),
            ("ref", "refs/heads/main"), ("ref_name", "main"), ("ref_protected", false), ("ref_type", "branch"),
            ("repository", "monalisa/testing"), ("repository_id", "117904191"), ("repository_owner", "monalisa"),
            ("repository_owner_id", "12102068"), ("retention_days", "90"), ("run_attempt", "1"),
            ("run_id", "2827197126"), ("run_number", "845"), ("server_url", "https://github.com"),
            ("sha", "2ce6b095f4cceb616efed52266e3e3c0367ba795"), ("triggering_actor", "monalisa"),
            ("workflow", "CI"), ("workspace", "/home/runner/work/testing/testing"),
        ]
        for (key, value) in fields { github[key] = value }
        github["event"] = [
            "after": "2ce6b095f4cceb616efed52266e3e3c0367ba795",
            "before": "bbe29778fdad33232cd67bd84205d334b94412d7",
            "ref": "refs/heads/main",
            "repository": ["full_name": "monalisa/testing", "default_branch": "main", "private": false],
            "pusher": ["name": "monalisa", "email": "monalisa@users.noreply.github.com"],
        ]
        return .object(github)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
