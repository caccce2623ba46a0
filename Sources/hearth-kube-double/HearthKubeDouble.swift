import ArgumentParser
import Dispatch
import Foundation
import KubeTestDouble

#if canImport(Glibc)
import Glibc
#endif

/// `hearth-kube-double`: runs the Kubernetes API double until SIGTERM or SIGINT.
@main
struct HearthKubeDouble: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth-kube-double",
        abstract: "Serve a Kubernetes API server double (plain HTTP) for kubectl, client libraries and Hearth.",
        discussion: "Prints the server URL on the first line of standard output, then serves until SIGTERM or SIGINT. Faults and inspection: /_double/ (see docs/kubernetes-double.md).")

    @Option(help: "The address to listen on (an IPv4 or IPv6 literal).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 0

    @Flag(help: "Move created pods from Pending to Running, as a scheduler and kubelet would.")
    var autoRunPods = false

    @Flag(help: "Delete pods gracefully (deletionTimestamp, removed after the grace period).")
    var honourGracePeriod = false

    @Flag(help: "Create a missing namespace on the first object created in it.")
    var autoCreateNamespaces = false

    @Option(help: "Changes kept for watches; older resourceVersions get 410 Expired.")
    var historyLimit = 1000

    @Option(help: "Seconds between BOOKMARK events on watches that allow them (0: none).")
    var bookmarkInterval = 60

    @Option(help: "Require this bearer token on every API request.")
    var token: String?

    func run() async throws {
        var options = KubeDoubleOptions()
        options.autoRunPods = autoRunPods
        options.honourGracePeriod = honourGracePeriod
        options.autoCreateNamespaces = autoCreateNamespaces
        options.historyLimit = max(1, historyLimit)
        options.bookmarkInterval = bookmarkInterval > 0 ? .seconds(bookmarkInterval) : nil
        options.bearerToken = token
        let double = try await KubeDouble.start(host: host, port: port, options: options)
        FileHandle.standardOutput.write(Data((double.url + "\n").utf8))
        await Self.waitForTermination()
        await double.stop()
    }

    private static func waitForTermination() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        var iterator = signals.makeAsyncIterator()
        _ = await iterator.next()
        for source in sources { source.cancel() }
    }
}
