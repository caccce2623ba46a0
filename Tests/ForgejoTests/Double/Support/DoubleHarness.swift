import ForgejoProtocol
import ForgejoTestDouble
import Foundation
import SwiftProtobuf

/// Starts a double on an ephemeral loopback port, runs `body`, and always stops it.
///
/// Tests talk to 127.0.0.1: FoundationNetworking's URLSession on Linux rejects URLs with bracketed
/// IPv6 literals (NSURLErrorBadURL), so the IPv6 base URL is only checked as text.
func withDouble<T>(_ configuration: ForgejoDouble.Configuration = .init(), host: String = "127.0.0.1",
                   codec: DoubleWireCodec = .proto,
                   _ body: (ForgejoDouble, DoubleWireClient) async throws -> T) async throws -> T {
    let double = ForgejoDouble(configuration: configuration)
    try await double.start(host: host, port: 0)
    let client = DoubleWireClient(baseURL: double.baseURL, codec: codec)
    do {
        let result = try await body(double, client)
        await double.stop()
        return result
    } catch {
        await double.stop()
        throw error
    }
}

extension DoubleWireClient {
    /// Registers a runner through the Register RPC.
    func register(name: String = "runner", labels: [String] = ["docker"], token: String,
                  ephemeral: Bool = false) async throws -> DoubleWireRunner {
        var request = Runner_V1_RegisterRequest()
        request.name = name
        request.token = token
        request.labels = labels
        request.agentLabels = labels
        request.version = "v-test"
        request.ephemeral = ephemeral
        let response = try await call("Register", request, as: Runner_V1_RegisterResponse.self)
        let runner = response.runner
        return DoubleWireRunner(client: self, credentials: RunnerCredentials(id: runner.id, uuid: runner.uuid, token: runner.token))
    }
}

extension ForgejoDouble {
    /// A runner registered directly (no RPC), with a client bound to it.
    func wireRunner(_ client: DoubleWireClient, labels: [String] = ["docker"], ephemeral: Bool = false,
                    name: String = "runner") -> DoubleWireRunner {
        DoubleWireRunner(client: client, credentials: registerRunner(name: name, labels: labels, ephemeral: ephemeral))
    }
}

/// Step states as a runner reports them.
func doubleStepState(_ id: Int64, result: Runner_V1_Result = .unspecified, logIndex: Int64 = 0, logLength: Int64 = 0,
               started: Bool = true) -> Runner_V1_StepState {
    var step = Runner_V1_StepState()
    step.id = id
    step.result = result
    step.logIndex = logIndex
    step.logLength = logLength
    if started { step.startedAt = Google_Protobuf_Timestamp(seconds: 1_700_000_000 + id) }
    if result != .unspecified { step.stoppedAt = Google_Protobuf_Timestamp(seconds: 1_700_000_100 + id) }
    return step
}

/// Small workflows used by several tests.
enum DoubleWorkflows {
    static let single = """
        name: single
        on: push
        jobs:
          build:
            runs-on: docker
            steps:
              - name: Say hello
                run: echo hello
              - uses: actions/checkout@v4
              - run: |
                  echo multi
                  echo line
        """

    static let needs = """
        name: pipeline
        on: push
        jobs:
          build:
            runs-on: docker
            outputs:
              version: ${{ steps.v.outputs.version }}
            steps:
              - id: v
                run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
          deploy:
            needs: build
            runs-on: docker
            steps:
              - run: echo ${{ needs.build.outputs.version }}
          cleanup:
            needs: [build]
            if: always()
            runs-on: docker
            steps:
              - run: echo cleanup
        """
}
