import Foundation
import Kube
import Testing

@Suite("Kubeconfig")
struct KubeconfigTests {
    let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test func contextsPickClusterUserAndNamespace() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: dev-cluster
              cluster:
                server: https://[fd00::10]:6443
                certificate-authority-data: \(base64(caPEM))
            - name: prod-cluster
              cluster:
                server: https://prod.example:6443
                insecure-skip-tls-verify: true
            users:
            - name: dev-user
              user:
                token: dev-token
            - name: prod-user
              user:
                client-certificate-data: \(base64("CERT"))
                client-key-data: \(base64("KEY"))
            contexts:
            - name: dev
              context: {cluster: dev-cluster, user: dev-user, namespace: ci}
            - name: prod
              context: {cluster: prod-cluster, user: prod-user}
            """)
        let dev = try KubeConfiguration.kubeconfig(path: path, context: nil, environment: [:])
        #expect(dev.server == "https://[fd00::10]:6443")
        #expect(dev.namespace == "ci")
        #expect(dev.token == .value("dev-token"))
        #expect(dev.certificateAuthority == .data(Data(caPEM.utf8)))
        #expect(!dev.insecureSkipTLSVerify)

        let prod = try KubeConfiguration.kubeconfig(path: path, context: "prod", environment: [:])
        #expect(prod.server == "https://prod.example:6443")
        #expect(prod.namespace == "default")
        #expect(prod.insecureSkipTLSVerify)
        #expect(prod.clientCertificate == .data(Data("CERT".utf8)))
        #expect(prod.clientKey == .data(Data("KEY".utf8)))
        #expect(prod.token == nil)
    }

    @Test func relativePathsResolveAgainstTheKubeconfigDirectory() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("kube/certs/ca.crt", caPEM)
        _ = try directory.write("kube/certs/client.crt", "CERT")
        _ = try directory.write("kube/certs/client.key", "KEY")
        _ = try directory.write("kube/token", "file-token\n")
        let path = try directory.write("kube/config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://10.0.0.1:6443", certificate-authority: certs/ca.crt}}]
            users:
            - {name: u, user: {client-certificate: certs/client.crt, client-key: certs/client.key, tokenFile: token}}
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """)
        let configuration = try KubeConfiguration.kubeconfig(path: path, context: nil, environment: [:])
        let base = directory.path + "/kube"
        #expect(configuration.certificateAuthority == .file(base + "/certs/ca.crt"))
        #expect(configuration.clientCertificate == .file(base + "/certs/client.crt"))
        #expect(configuration.clientKey == .file(base + "/certs/client.key"))
        #expect(configuration.token == .file(base + "/token"))
    }

    @Test func kubeconfigVariableMergesFilesFirstDefinitionWins() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a", """
            current-context: from-a
            contexts: [{name: from-a, context: {cluster: shared, user: ua}}]
            clusters: [{name: shared, cluster: {server: "https://first:6443"}}]
            """)
        let second = try directory.write("b", """
            current-context: from-b
            contexts: [{name: from-b, context: {cluster: shared, user: ub}}]
            clusters: [{name: shared, cluster: {server: "https://second:6443"}}]
            users: [{name: ua, user: {token: a-token}}, {name: ub, user: {token: b-token}}]
            """)
        let environment = ["KUBECONFIG": "\(first):\(directory.path)/missing:\(second)"]
        let merged = try KubeConfiguration.kubeconfig(path: nil, context: nil, environment: environment)
        #expect(merged.server == "https://first:6443")
        #expect(merged.token == .value("a-token"))
        let other = try KubeConfiguration.kubeconfig(path: nil, context: "from-b", environment: environment)
        #expect(other.token == .value("b-token"))
        #expect(other.server == "https://first:6443")
    }

    @Test func defaultsToTheHomeKubeconfig() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write(".kube/config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "http://127.0.0.1:1"}}]
            contexts: [{name: c, context: {cluster: k}}]
            """)
        let configuration = try KubeConfiguration.kubeconfig(path: nil, context: nil, environment: ["HOME": directory.path])
        #expect(configuration.server == "http://127.0.0.1:1")
    }

    @Test func errorsNameTheFileAndWhatIsMissing() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://x"}}]
            users: [{name: u, user: {tokenFile: nope}}]
            contexts: [{name: c, context: {cluster: k}}, {name: bad-user, context: {cluster: k, user: u}}, {name: no-cluster, context: {cluster: zz}}]
            """)
        func message(_ context: String?) -> String {
            do {
                _ = try KubeConfiguration.kubeconfig(path: path, context: context, environment: [:])
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message("absent").contains("context \"absent\" not found"))
        #expect(message("absent").contains(path))
        #expect(message("bad-user").contains("tokenFile"))
        #expect(message("no-cluster").contains("cluster \"zz\""))
        #expect(message(nil) == "")
        #expect(throws: KubeConfigurationError.self) {
            _ = try KubeConfiguration.kubeconfig(path: directory.path + "/none", context: nil, environment: [:])
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func clientLoadsRealPEMsAndRejectsGarbage() async throws {
        let directory = try TemporaryDirectory()
        let key = directory.path + "/key.pem"
        let cert = directory.path + "/cert.pem"
        let output = try await RunningProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
            "-days", "1", "-subj", "/CN=hearth-test",
        ], environment: ["PATH": "/usr/bin:/bin"], directory: directory)
        try #require(output.status == 0, "\(output.standardError)")
        let good = KubeConfiguration(server: "https://[::1]:6443", clientCertificate: .file(cert), clientKey: .file(key),
                                     certificateAuthority: .file(cert))
        let client = try KubeClient(configuration: good, logger: .init(label: "t"))
        await client.shutdown()
        let bad = KubeConfiguration(server: "https://[::1]:6443", certificateAuthority: .data(Data("not a certificate".utf8)))
        #expect(throws: KubeConfigurationError.self) { _ = try KubeClient(configuration: bad, logger: .init(label: "t")) }
    }
}
