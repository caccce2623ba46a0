import NIOSSL

/// The TLS settings of a configuration: its CA as the only trust roots (system roots when none),
/// its client certificate and key, or no verification at all when asked.
enum KubeTLS {
    static func configuration(for configuration: KubeConfiguration) throws -> TLSConfiguration? {
        guard configuration.baseURL.lowercased().hasPrefix("https:") else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let authority = configuration.certificateAuthority {
            do {
                let certificates = try NIOSSLCertificate.fromPEMBytes(try authority.load())
                guard !certificates.isEmpty else { throw KubeConfigurationError("the cluster CA holds no certificate") }
                tls.trustRoots = .certificates(certificates)
            } catch let error as KubeConfigurationError {
                throw error
            } catch {
                throw KubeConfigurationError("the cluster CA is not a valid PEM certificate: \(error)")
            }
        }
        if let certificate = configuration.clientCertificate, let key = configuration.clientKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMBytes(try certificate.load())
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: try key.load(), format: .pem))
            } catch let error as KubeConfigurationError {
                throw error
            } catch {
                throw KubeConfigurationError("the client certificate or key is not valid PEM: \(error)")
            }
        }
        return tls
    }
}
