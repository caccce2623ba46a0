import Backends
import Expressions
import Foundation

/// The expression contexts of one job instance, rebuilt cheaply for each step.
///
/// Holds the parts that do not change while the job runs (github, secrets, vars, inputs, matrix,
/// strategy, needs, runner, job) and combines them with the job's current `JobState`.
public struct JobContexts: Sendable {
    public var github: ObjectValue
    public var secrets: ObjectValue
    public var vars: ObjectValue
    public var inputs: ObjectValue
    public var matrix: ObjectValue
    public var strategy: ObjectValue
    public var needs: ObjectValue
    public var runner: ObjectValue
    public var job: ObjectValue
    /// Extra functions: `hashFiles` over the job's workspace.
    public var hashFiles: (@Sendable ([String]) throws -> String)?

    public init(
        github: ObjectValue, secrets: ObjectValue, vars: ObjectValue, inputs: ObjectValue, matrix: ObjectValue,
        strategy: ObjectValue, needs: ObjectValue, runner: ObjectValue, job: ObjectValue,
        hashFiles: (@Sendable ([String]) throws -> String)? = nil
    ) {
        self.github = github
        self.secrets = secrets
        self.vars = vars
        self.inputs = inputs
        self.matrix = matrix
        self.strategy = strategy
        self.needs = needs
        self.runner = runner
        self.job = job
        self.hashFiles = hashFiles
    }

    /// The evaluation context for an expression in a step (or in job-level keys when `steps` is empty).
    public func evaluation(env: [String: String], steps: ObjectValue = ObjectValue(), status: StatusFunctions = StatusFunctions()) -> EvaluationContext {
        var contexts = ObjectValue()
        contexts["github"] = .object(github)
        contexts["env"] = .object(Self.object(env))
        contexts["vars"] = .object(vars)
        contexts["secrets"] = .object(secrets)
        contexts["inputs"] = .object(inputs)
        contexts["matrix"] = .object(matrix)
        contexts["strategy"] = .object(strategy)
        contexts["needs"] = .object(needs)
        contexts["steps"] = .object(steps)
        contexts["job"] = .object(job)
        contexts["runner"] = .object(runner)
        return EvaluationContext(contexts: contexts, status: status, hashFiles: hashFiles)
    }

    static func object(_ dictionary: [String: String]) -> ObjectValue {
        ObjectValue(dictionary.keys.sorted().map { ($0, Value.string(dictionary[$0]!)) })
    }
}

extension JobContexts {
    /// The `runner` context and the matching `RUNNER_*` variables.
    public static func runnerContext(name: String, environment: any ExecutionEnvironment, debug: Bool) -> ObjectValue {
        ObjectValue([
            ("name", .string(name)),
            ("os", .string("Linux")),
            ("arch", .string(RunnerPlatform.arch)),
            ("temp", .string(environment.runnerTemp)),
            ("tool_cache", .string(environment.toolCache)),
            ("debug", .string(debug ? "1" : "")),
            ("environment", .string("self-hosted")),
        ])
    }
}

/// Facts about the machine steps run on.
public enum RunnerPlatform {
    /// GitHub's `runner.arch` spelling of this machine's architecture.
    public static var arch: String {
        #if arch(x86_64)
        return "X64"
        #elseif arch(arm64)
        return "ARM64"
        #elseif arch(arm)
        return "ARM"
        #else
        return "X86"
        #endif
    }
}
