import Foundation
import Kube

/// `credentials:` of the job container and services as one `kubernetes.io/dockerconfigjson`
/// Secret's `.dockerconfigjson`.
struct RegistryCredentials {
    private var auths: [String: (username: String, password: String, owner: String)] = [:]

    var isEmpty: Bool { auths.isEmpty }

    mutating func add(image: String, username: String?, password: String?, owner: String) throws(PodRenderError) {
        let user = username ?? "", secret = password ?? ""
        if user.isEmpty && secret.isEmpty { return }
        guard !user.isEmpty, !secret.isEmpty else {
            throw PodRenderError("\(owner): `credentials:` needs both a username and a password")
        }
        let registry = Self.registry(of: image)
        if let existing = auths[registry] {
            guard existing.username == user, existing.password == secret else {
                throw PodRenderError(
                    "\(existing.owner) and \(owner) give different credentials for the registry \(registry); a pod can use only one per registry")
            }
            return
        }
        auths[registry] = (user, secret, owner)
    }

    /// The registry host of an image reference (`docker.io` images use Docker Hub's legacy key).
    static func registry(of image: String) -> String {
        let first = image.split(separator: "/", maxSplits: 1)
        if first.count == 2, first[0].contains(".") || first[0].contains(":") || first[0] == "localhost" {
            let host = String(first[0])
            return host == "docker.io" || host == "index.docker.io" ? dockerHub : host
        }
        return dockerHub
    }

    static let dockerHub = "https://index.docker.io/v1/"

    /// The `.dockerconfigjson` document (sorted keys, deterministic).
    var dockerConfigJSON: String {
        var entries: [String: JSONValue] = [:]
        for (registry, auth) in auths {
            entries[registry] = [
                "username": .string(auth.username), "password": .string(auth.password),
                "auth": .string(Data("\(auth.username):\(auth.password)".utf8).base64EncodedString()),
            ]
        }
        return JSONValue.object(["auths": .object(entries)]).jsonString()
    }
}
