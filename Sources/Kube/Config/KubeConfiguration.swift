import Foundation

/// Where a Kubernetes API server is and how to authenticate to it: what Hearth reads from a
/// kubeconfig file or from the in-cluster service-account mount, and what `KubeClient` needs.
public struct KubeConfiguration: Sendable, Hashable {
    /// The API server's base URL, e.g. `https://[fd00::1]:6443` (IPv6 literal hosts bracketed).
    public var server: String
    /// The namespace used when a caller does not name one.
    public var namespace: String
    /// A bearer token, given directly or read from a file that may be rotated.
    public var token: KubeTokenSource?
    /// A client certificate (PEM) for mutual TLS; needs `clientKey`.
    public var clientCertificate: KubePEMSource?
    /// The private key (PEM) of `clientCertificate`.
    public var clientKey: KubePEMSource?
    /// The CA bundle (PEM) that signs the server's certificate; system roots when nil.
    public var certificateAuthority: KubePEMSource?
    /// Accept any server certificate (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server's certificate against instead of the URL's host.
    public var tlsServerName: String?

    public init(
        server: String,
        namespace: String = "default",
        token: KubeTokenSource? = nil,
        clientCertificate: KubePEMSource? = nil,
        clientKey: KubePEMSource? = nil,
        certificateAuthority: KubePEMSource? = nil,
        insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil
    ) {
        self.server = server
        self.namespace = namespace
        self.token = token
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
    }

    /// `server` without a trailing slash, so that API paths can be appended.
    public var baseURL: String {
        var url = server
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Picks the configuration the way controllers usually do: the in-cluster service account when
    /// no kubeconfig is named (neither `kubeconfig` nor `$KUBECONFIG`) and `KUBERNETES_SERVICE_HOST`
    /// is set, the kubeconfig otherwise.
    public static func automatic(
        kubeconfig: String?,
        context: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        inClusterRoot: String = serviceAccountDirectory
    ) throws -> KubeConfiguration {
        let namesKubeconfig = kubeconfig != nil || !(environment["KUBECONFIG"] ?? "").isEmpty
        if !namesKubeconfig, context == nil, let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            return try inCluster(environment: environment, root: inClusterRoot)
        }
        return try self.kubeconfig(path: kubeconfig, context: context, environment: environment)
    }
}

/// A PEM document given inline or as a file to read when the client is made.
public enum KubePEMSource: Sendable, Hashable {
    case data(Data)
    case file(String)

    /// The document's bytes.
    public func load() throws -> [UInt8] {
        switch self {
        case .data(let data):
            return [UInt8](data)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeConfigurationError("cannot read \(path)")
            }
            return [UInt8](data)
        }
    }
}

/// A bearer token: a fixed value, or a file read again whenever it changes (service-account
/// tokens are rotated by the kubelet, which swaps the file in place).
public enum KubeTokenSource: Sendable, Hashable {
    case value(String)
    case file(String)
}
