import Foundation
import Testing
@testable import Cache

#if canImport(Glibc)
import Glibc
#endif

/// Addresses, URLs, and connections that end with each response.
@Suite struct ConnectionTests {
    @Test func everyResponseSaysConnectionClose() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let id = try await server.save("c", Data("abc".utf8), token: token)
        let responses = [
            try await server.lookup(["c"], token: token),
            try await server.lookup(["zzz"], token: token),
            try await server.call("GET", "artifacts/\(id)", token: token),
            try await server.call("HEAD", "artifacts/\(id)", token: token),
            try await server.reserve("d", token: token),
            try await server.send("GET", "http://127.0.0.1:\(server.port)/_apis/artifactcache/cache"),
            try await server.call("GET", "nowhere", token: token),
        ]
        for response in responses {
            #expect(response.headers["connection"]?.lowercased() == "close", "status \(response.status)")
        }
        await server.stop()
    }

    @Test func theServerEndsTheConnectionAfterAResponse() async throws {
        let server = try await CacheTestServer.start()
        let token = server.token()
        let path = "/\(token)/_apis/artifactcache/cache?keys=a&version=v1"
        // A client asking to keep the connection alive still sees it end.
        let ended = try await DedicatedThread.run {
            let socket = try BlockingSocket(host: "127.0.0.1", port: server.port, timeoutSeconds: 10)
            try socket.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
            let head = try socket.readHead()
            #expect(head.status == 204)
            return try socket.waitForEnd()
        }
        #expect(ended)
        await server.stop()
    }

    @Test func stopCutsOffAStalledDownloadAfterTheGracePeriod() async throws {
        let server = try await CacheTestServer.start { $0.shutdownGracePeriod = .milliseconds(200) }
        let token = server.token()
        let id = try await server.save("big", Data(repeating: 1, count: 16 << 20), token: token, chunk: 512 << 10)
        // A client that asks for the entry and never reads it.
        let socket = try await DedicatedThread.run {
            let socket = try BlockingSocket(host: "127.0.0.1", port: server.port, timeoutSeconds: 20)
            try socket.send("GET /\(token)/_apis/artifactcache/artifacts/\(id) HTTP/1.1\r\nHost: x\r\n\r\n")
            return SocketBox(socket)
        }
        let clock = ContinuousClock()
        let started = clock.now
        await server.stop()
        #expect(clock.now - started < .seconds(10))
        _ = socket
    }

    @Test func theDefaultBindIsDualStack() async throws {
        let server = try await CacheTestServer.start(host: "::")
        let token = server.token()
        // IPv4 through the IPv6 wildcard socket.
        #expect(try await server.lookup(["x"], token: token).status == 204)
        #expect(server.server.url(forToken: token) == "http://127.0.0.1:\(server.port)/\(token)/")
        if Self.hasIPv6Loopback {
            let response = try await RawHTTP.exchange(host: "::1", port: server.port,
                                                      "GET /\(token)/_apis/artifactcache/cache?keys=x&version=v1 HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            #expect(response.status == 204)
        }
        await server.stop()
    }

    @Test func aSpecificBindHostIsAdvertisedByDefault() async throws {
        let server = try await CacheTestServer.start(host: "127.0.0.1")
        #expect(server.server.url(forToken: "t") == "http://127.0.0.1:\(server.port)/t/")
        #expect(server.server.port == server.port)
        await server.stop()
    }

    @Test func urlsUseTheAdvertisedAddress() {
        func url(_ configure: (inout CacheServerConfiguration) -> Void) -> String {
            var configuration = CacheServerConfiguration(directory: "/nonexistent")
            configure(&configuration)
            return CacheServer(configuration: configuration).url(forToken: "tok")
        }
        #expect(url { $0.advertisedHost = "10.1.2.3"; $0.advertisedPort = 8088 } == "http://10.1.2.3:8088/tok/")
        #expect(url { $0.advertisedHost = "fd00::5"; $0.advertisedPort = 8088 } == "http://[fd00::5]:8088/tok/")
        #expect(url { $0.advertisedHost = "[fd00::5]"; $0.advertisedPort = 1 } == "http://[fd00::5]:1/tok/")
        #expect(url { $0.advertisedHost = "cache.ci.svc"; $0.advertisedPort = 80 } == "http://cache.ci.svc:80/tok/")
        #expect(url { $0.externalURL = "https://cache.example/base" } == "https://cache.example/base/tok/")
        #expect(url { $0.externalURL = "https://cache.example/base/"; $0.advertisedHost = "ignored" } == "https://cache.example/base/tok/")
    }

    @Test func advertisedHostAndPortApplyToArchiveLocations() async throws {
        let server = try await CacheTestServer.start {
            $0.advertisedHost = "cache.internal"
            $0.advertisedPort = 9999
        }
        let token = server.token()
        let id = try await server.save("k", Data("x".utf8), token: token)
        let found = try await server.lookup(["k"], token: token)
        #expect(found.json["archiveLocation"] as? String == "http://cache.internal:9999/\(token)/_apis/artifactcache/artifacts/\(id)")
        #expect(server.server.url(forToken: token) == "http://cache.internal:9999/\(token)/")
        await server.stop()
    }

    /// Whether `::1` can be bound here (containers without IPv6 cannot).
    static let hasIPv6Loopback: Bool = {
        let descriptor = socket(AF_INET6, streamSocketType, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        } == 0
    }()
}

/// Keeps a socket open across threads for the length of a test.
final class SocketBox: @unchecked Sendable {
    let socket: BlockingSocket
    init(_ socket: BlockingSocket) { self.socket = socket }
}
