import Foundation

extension KubeConfiguration {
    /// The standard service-account mount inside a pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a process running in a pod: `KUBERNETES_SERVICE_HOST`/`_PORT` (an IPv6
    /// host is bracketed), the token (re-read when the kubelet rotates it), `ca.crt` and `namespace`
    /// under `root` (the service-account directory by default).
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        root: String = serviceAccountDirectory
    ) throws -> KubeConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw KubeConfigurationError("not running in a cluster: KUBERNETES_SERVICE_HOST is not set")
        }
        let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
        let tokenPath = root + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigurationError("in-cluster configuration: cannot read the service-account token \(tokenPath)")
        }
        let caPath = root + "/ca.crt"
        let namespaceText = (try? String(contentsOfFile: root + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return KubeConfiguration(
            server: KubeServerAddress.url(scheme: "https", host: host, port: port),
            namespace: (namespaceText?.isEmpty ?? true) ? "default" : namespaceText!,
            token: .file(tokenPath),
            certificateAuthority: FileManager.default.fileExists(atPath: caPath) ? .file(caPath) : nil)
    }
}
