import Foundation
import Kube
import KubeTestDouble
import Logging
import Testing

@Suite("In-cluster configuration")
struct InClusterTests {
    @Test func readsTheServiceAccountMountAndBracketsIPv6() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("token", "t1\n")
        _ = try directory.write("ca.crt", "CA")
        _ = try directory.write("namespace", "hearth\n")
        let v4 = try KubeConfiguration.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                                                 root: directory.path)
        #expect(v4.server == "https://10.96.0.1:443")
        #expect(v4.namespace == "hearth")
        #expect(v4.token == .file(directory.path + "/token"))
        #expect(v4.certificateAuthority == .file(directory.path + "/ca.crt"))
        let v6 = try KubeConfiguration.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"],
                                                 root: directory.path)
        #expect(v6.server == "https://[fd00:10:96::1]:6443")
        #expect(throws: KubeConfigurationError.self) { _ = try KubeConfiguration.inCluster(environment: [:], root: directory.path) }

        let automatic = try KubeConfiguration.automatic(kubeconfig: nil, context: nil,
                                                        environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1"], inClusterRoot: directory.path)
        #expect(automatic.server == "https://10.96.0.1:443")
    }

    @Test func rotatedTokensAreUsedOnTheNextRequest() async throws {
        let directory = try TemporaryDirectory()
        let tokenPath = try directory.write("token", "first-token")
        _ = try directory.write("namespace", "default")
        var configuration = try KubeConfiguration.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1"], root: directory.path)
        let double = try await KubeDouble.start()
        configuration.server = double.url  // the double speaks plain HTTP
        configuration.certificateAuthority = nil
        let client = try KubeClient(configuration: configuration, retry: fastRetry, logger: Logger(label: "t"))
        _ = try await client.list(.pods, namespace: nil)
        #expect(double.recordedAuthorizations.last == "Bearer first-token")

        // The kubelet's rotation: a new file swapped in atomically.
        _ = try directory.write("token", "second-token\n")
        double.requireBearerToken("second-token")
        _ = try await client.list(.pods, namespace: nil)
        #expect(double.recordedAuthorizations.last == "Bearer second-token")
        #expect(tokenPath.hasSuffix("/token"))
        await client.shutdown()
        await double.stop()
    }
}
