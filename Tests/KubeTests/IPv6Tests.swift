import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("IPv6 loopback")
struct IPv6Tests {
    @Test func clientWorksAgainstABracketedIPv6URL() async throws {
        try await withDouble(host: "::1") { double, client in
            #expect(double.url.hasPrefix("http://[::1]:"))
            let pod = try await client.create(.pods, namespace: "default", podManifest("v6"))
            #expect(pod.objectName == "v6")
            let list = try await client.list(.pods, namespace: "default")
            #expect(list.items.count == 1)
            for try await event in client.watch(.pods, namespace: "default") {
                #expect(event.type == .added)
                break
            }
            let api = try await client.getRaw(path: "/api")
            #expect(api["serverAddressByClientCIDRs"]?.arrayValue?.first?["serverAddress"]?.stringValue?.hasPrefix("[::1]:") == true)
        }
    }
}
