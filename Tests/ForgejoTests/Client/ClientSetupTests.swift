import Forgejo
import ForgejoProtocol
import Foundation
import Testing

@Suite("Client set-up")
struct ClientSetupTests {
    private static let caPEM = """
    -----BEGIN CERTIFICATE-----
    MIIBiDCCAS+gAwIBAgIUInwnJlyY/ejj6IwV1vB9i9YFoCEwCgYIKoZIzj0EAwIw
    GTEXMBUGA1UEAwwOaGVhcnRoLXRlc3QtY2EwIBcNMjYxMTIyMTgzNzQyWhgPMjEy
    NjEwMjkxODM3NDJaMBkxFzAVBgNVBAMMDmhlYXJ0aC10ZXN0LWNhMFkwEwYHKoZI
    zj0CAQYIKoZIzj0DAQcDQgAEl+1jIKDqS3XkE1peS0VNOcZxFVOSJ7h450TorTNI
    6nDdVqID+S05HPEy9aj70df1FZy+zghVRL9sLL9/6pq+NqNTMFEwHQYDVR0OBBYE
    FOwi5kNrtkFS/I5S9kBI4O8t/vhyMB8GA1UdIwQYMBaAFOwi5kNrtkFS/I5S9kBI
    4O8t/vhyMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgfvYxqeai
    3aHa5la8pV96O7y44F+IfVQ3rN7JbTW0e6MCIH1FDY9YDyY/nYq0yF0OmAyMzyBR
    jkH3q08Xxjydox2g
    -----END CERTIFICATE-----

    """

    @Test("an extra CA file in PEM is accepted; a non-PEM file is not")
    func caFile() async throws {
        let directory = NSTemporaryDirectory() + "hearth-ca-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.caPEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        let client = try ConnectClient(address: "https://forgejo.example.org", caFile: directory + "/ca.pem",
                                       insecure: true, environment: [:])
        try await client.shutdown()
        try "not a certificate".write(toFile: directory + "/bad.pem", atomically: true, encoding: .utf8)
        #expect(throws: TransportError.self) {
            try ConnectClient(address: "https://forgejo.example.org", caFile: directory + "/bad.pem", environment: [:])
        }
    }

    @Test("a client dropped without shutdown releases its connections")
    func dropWithoutShutdown() async throws {
        var reply = Ping_V1_PingResponse()
        reply.data = "x"
        let bytes: [UInt8] = try reply.serializedBytes()
        let server = try ClientTestHTTPServer { _ in .proto(bytes) }
        defer { server.stop() }
        var client: ConnectClient? = try ConnectClient(address: server.address, environment: [:])
        let _: Ping_V1_PingResponse = try await client!.call("ping.v1.PingService/Ping", Ping_V1_PingRequest())
        client = nil
        try await Task.sleep(for: .milliseconds(100))
        #expect(client == nil)
    }

    @Test("shutdown twice is harmless")
    func doubleShutdown() async throws {
        let client = try ConnectClient(address: "http://127.0.0.1:1", environment: [:])
        try await client.shutdown()
        try await client.shutdown()
    }

    @Test("proxy from the environment, as Go selects it")
    func proxySelection() throws {
        let https = try InstanceAddress("https://forgejo.example.org")
        let http = try InstanceAddress("http://forgejo.example.org:3000")
        let environment = ["HTTPS_PROXY": "http://user:p%40ss@proxy.example.org:3128", "http_proxy": "proxy.example.org"]
        let secure = try #require(ProxySelection.select(for: https, environment: environment))
        #expect(secure.kind == .http)
        #expect(secure.host == "proxy.example.org")
        #expect(secure.port == 3128)
        #expect(secure.credentials?.user == "user")
        #expect(secure.credentials?.password == "p@ss")
        let plain = try #require(ProxySelection.select(for: http, environment: environment))
        #expect(plain.port == 80)
        #expect(plain.credentials == nil)
        #expect(ProxySelection.select(for: https, environment: ["HTTP_PROXY": "proxy:1"]) == nil)
        #expect(ProxySelection.select(for: https, environment: environment.merging(["NO_PROXY": "example.org"]) { $1 }) == nil)
        #expect(ProxySelection.select(for: https, environment: environment.merging(["no_proxy": ".example.org"]) { $1 }) == nil)
        #expect(ProxySelection.select(for: https, environment: environment.merging(["NO_PROXY": "*"]) { $1 }) == nil)
        #expect(ProxySelection.select(for: https, environment: environment.merging(["NO_PROXY": "other.org"]) { $1 }) != nil)
        #expect(ProxySelection.select(for: try InstanceAddress("http://[::1]:3000"), environment: environment) == nil)
        #expect(ProxySelection.select(for: try InstanceAddress("http://localhost:3000"), environment: environment) == nil)
        let socks = try #require(ProxySelection.select(for: https, environment: ["HTTPS_PROXY": "socks5://10.0.0.1"]))
        #expect(socks.kind == .socks)
        #expect(socks.port == 1080)
    }
}
