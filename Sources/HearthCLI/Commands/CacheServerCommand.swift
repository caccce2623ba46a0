import ArgumentParser
import Cache
import Foundation
import Logging

/// `hearth cache-server`: the actions/cache server on its own, for runners that share one.
struct CacheServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-server",
        abstract: "Serve the actions/cache protocol (_apis/artifactcache) on its own.",
        discussion: "Binds [::] (IPv4 and IPv6). Jobs reach it at ACTIONS_CACHE_URL = http://HOST:PORT/<token>/; print a token for a repository with --print-token.")

    @Option(name: .customLong("dir"), help: "Where entries are stored.")
    var directory = "\(NSHomeDirectory())/.cache/hearth/cache"

    @Option(name: .customLong("host"), help: "The host name or address jobs use to reach the server (IPv6 literals are bracketed in URLs).")
    var host = "localhost"

    @Option(name: .customLong("port"), help: "The port to listen on (0: any).")
    var port = 0

    @Option(name: .customLong("secret"), help: "The secret tokens are signed with (share it with the runners that issue tokens).")
    var secret: String?

    @Option(name: .customLong("max-size"), help: "Size cap in bytes; least recently used entries are evicted beyond it.")
    var maximumSize: Int64 = 10 << 30

    @Option(name: .customLong("print-token"), help: "Print an ACTIONS_CACHE_URL for this repository (owner/name) once listening.")
    var tokenRepository: String?

    func run() async throws {
        let server = CacheServer(configuration: CacheServerConfiguration(
            directory: directory, maximumSize: maximumSize, advertisedHost: host, secret: secret))
        let bound: Int
        do {
            bound = try await server.start(host: "::", port: port)
        } catch {
            printError("hearth cache-server: \(error)")
            throw ExitCode(1)
        }
        print("cache server listening on [::]:\(bound), storing in \(directory)")
        if let tokenRepository {
            print("ACTIONS_CACHE_URL=\(server.url(forToken: server.issueToken(repository: tokenRepository, ref: nil)))")
        }
        let stop = CancellationBox()
        let signals = SignalTrap { _ in stop.fire() }
        await stop.wait()
        signals.disarm()
        await server.stop()
    }
}
