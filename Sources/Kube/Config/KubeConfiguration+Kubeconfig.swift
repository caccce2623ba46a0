import Foundation
import Yams

extension KubeConfiguration {
    /// Loads a kubeconfig as kubectl does. `path` names one file; otherwise `$KUBECONFIG` lists
    /// files separated by `:` (merged: the first file to define a cluster, user, context or
    /// `current-context` wins; missing files are skipped), and otherwise `~/.kube/config` is read.
    /// `context` overrides `current-context`. Relative file paths in an entry are resolved
    /// against the directory of the file that defined it.
    public static func kubeconfig(
        path: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeConfiguration {
        let files: [String]
        if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw KubeConfigurationError("kubeconfig \(path) does not exist")
            }
            files = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            files = list.split(separator: ":").map(String.init).filter { FileManager.default.fileExists(atPath: $0) }
            guard !files.isEmpty else {
                throw KubeConfigurationError("none of the files in KUBECONFIG (\(list)) exists")
            }
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            let defaultPath = home + "/.kube/config"
            guard FileManager.default.fileExists(atPath: defaultPath) else {
                throw KubeConfigurationError("no kubeconfig: \(defaultPath) does not exist and KUBECONFIG is not set")
            }
            files = [defaultPath]
        }
        var merged = KubeconfigDocument()
        for file in files { merged.merge(try KubeconfigDocument(file: file)) }
        return try merged.configuration(context: context, files: files)
    }
}

/// The parts of one or more kubeconfig files that matter, each entry remembering its file.
struct KubeconfigDocument {
    struct Entry {
        var fields: Node.Mapping
        var file: String
    }

    var clusters: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    var currentContext: String?
    var currentContextFile: String?

    init() {}

    init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KubeConfigurationError("kubeconfig \(file): cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw KubeConfigurationError("kubeconfig \(file): not valid YAML: \(error)")
        }
        guard let root else { return }  // an empty file is an empty config, as kubectl treats it
        guard let mapping = root.mapping else {
            throw KubeConfigurationError("kubeconfig \(file): the document is not a mapping")
        }
        clusters = try Self.namedEntries(mapping, list: "clusters", field: "cluster", file: file)
        users = try Self.namedEntries(mapping, list: "users", field: "user", file: file)
        contexts = try Self.namedEntries(mapping, list: "contexts", field: "context", file: file)
        if let current = mapping["current-context"]?.string, !current.isEmpty {
            currentContext = current
            currentContextFile = file
        }
    }

    private static func namedEntries(_ mapping: Node.Mapping, list: String, field: String, file: String) throws -> [String: Entry] {
        guard let node = mapping[list] else { return [:] }
        if node.scalar != nil, node.string == "" || node.string == "null" || node.string == "~" { return [:] }
        guard let sequence = node.sequence else {
            throw KubeConfigurationError("kubeconfig \(file): '\(list)' is not a list")
        }
        var entries: [String: Entry] = [:]
        for (index, item) in sequence.enumerated() {
            guard let name = item["name"]?.string, !name.isEmpty else {
                throw KubeConfigurationError("kubeconfig \(file): \(list)[\(index)] has no name")
            }
            let fields = item[field]?.mapping ?? Node.Mapping([])
            if entries[name] == nil { entries[name] = Entry(fields: fields, file: file) }
        }
        return entries
    }

    /// Adds what `other` defines and `self` does not (first definition wins).
    mutating func merge(_ other: KubeconfigDocument) {
        clusters.merge(other.clusters) { first, _ in first }
        users.merge(other.users) { first, _ in first }
        contexts.merge(other.contexts) { first, _ in first }
        if currentContext == nil {
            currentContext = other.currentContext
            currentContextFile = other.currentContextFile
        }
    }

    func configuration(context requested: String?, files: [String]) throws -> KubeConfiguration {
        let where_ = files.count == 1 ? "kubeconfig \(files[0])" : "kubeconfig (\(files.joined(separator: ":")))"
        guard let contextName = requested ?? currentContext else {
            throw KubeConfigurationError("\(where_): no current-context is set and no context was given")
        }
        guard let context = contexts[contextName] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigurationError("\(where_): context \"\(contextName)\" not found (contexts: \(known.isEmpty ? "none" : known))")
        }
        guard let clusterName = context.fields["cluster"]?.string, !clusterName.isEmpty else {
            throw KubeConfigurationError("kubeconfig \(context.file): context \"\(contextName)\" names no cluster")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeConfigurationError("kubeconfig \(context.file): context \"\(contextName)\" uses cluster \"\(clusterName)\", which is not defined")
        }
        guard let server = cluster.fields["server"]?.string, !server.isEmpty else {
            throw KubeConfigurationError("kubeconfig \(cluster.file): cluster \"\(clusterName)\" has no server")
        }
        var configuration = KubeConfiguration(server: server)
        if let namespace = context.fields["namespace"]?.string, !namespace.isEmpty { configuration.namespace = namespace }
        configuration.insecureSkipTLSVerify = cluster.fields["insecure-skip-tls-verify"]?.bool ?? false
        configuration.tlsServerName = cluster.fields["tls-server-name"]?.string
        configuration.certificateAuthority = try Self.pem(cluster, data: "certificate-authority-data", file: "certificate-authority",
                                                          what: "cluster \"\(clusterName)\"")

        if let userName = context.fields["user"]?.string, !userName.isEmpty {
            guard let user = users[userName] else {
                throw KubeConfigurationError("kubeconfig \(context.file): context \"\(contextName)\" uses user \"\(userName)\", which is not defined")
            }
            let what = "user \"\(userName)\""
            configuration.clientCertificate = try Self.pem(user, data: "client-certificate-data", file: "client-certificate", what: what)
            configuration.clientKey = try Self.pem(user, data: "client-key-data", file: "client-key", what: what)
            if (configuration.clientCertificate == nil) != (configuration.clientKey == nil) {
                throw KubeConfigurationError("kubeconfig \(user.file): \(what) has a client certificate without a key or a key without a certificate")
            }
            if let token = user.fields["token"]?.string, !token.isEmpty {
                configuration.token = .value(token)
            } else if let tokenFile = user.fields["tokenFile"]?.string, !tokenFile.isEmpty {
                let path = Self.resolve(tokenFile, relativeTo: user.file)
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw KubeConfigurationError("kubeconfig \(user.file): \(what) tokenFile \(path) cannot be read")
                }
                configuration.token = .file(path)
            }
            if user.fields["exec"] != nil && configuration.token == nil && configuration.clientCertificate == nil {
                throw KubeConfigurationError("kubeconfig \(user.file): \(what) uses an exec credential plugin, which Hearth does not support; use a token, tokenFile or client certificate")
            }
            if user.fields["auth-provider"] != nil && configuration.token == nil && configuration.clientCertificate == nil {
                throw KubeConfigurationError("kubeconfig \(user.file): \(what) uses an auth-provider, which Hearth does not support; use a token, tokenFile or client certificate")
            }
        }
        return configuration
    }

    private static func pem(_ entry: Entry, data dataKey: String, file fileKey: String, what: String) throws -> KubePEMSource? {
        if let encoded = entry.fields[dataKey]?.string, !encoded.isEmpty {
            let compact = encoded.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw KubeConfigurationError("kubeconfig \(entry.file): \(what) \(dataKey) is not valid base64")
            }
            return .data(data)
        }
        if let path = entry.fields[fileKey]?.string, !path.isEmpty {
            let resolved = resolve(path, relativeTo: entry.file)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw KubeConfigurationError("kubeconfig \(entry.file): \(what) \(fileKey) \(resolved) cannot be read")
            }
            return .file(resolved)
        }
        return nil
    }

    /// kubectl resolves relative paths against the directory of the kubeconfig that holds them.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") {
            return NSHomeDirectory() + path.dropFirst(1)
        }
        let directory = (file as NSString).deletingLastPathComponent
        let base = directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
        return (base as NSString).appendingPathComponent(path)
    }
}
