import Backends
import Foundation
import Kube

/// Turns one job into the Kubernetes objects Hearth creates for it: a Pod with the job
/// container (running ``StepShim``), the `hearth-agent` container and one container per service,
/// plus the values of the Secret that carries the agent's token and every environment value.
///
/// Rendering is pure and deterministic: the same request gives byte-identical JSON.
public enum PodRenderer {
    /// `hearth-<task>-<job slug>`, a DNS-1123 label of at most 63 characters.
    public static func podName(taskID: Int64, jobName: String) -> String {
        let prefix = "hearth-\(taskID)"
        let slug = KubeNames.slug(jobName, limit: 63 - prefix.count - 1)
        return slug.isEmpty ? prefix : "\(prefix)-\(slug)"
    }

    /// The objects for `request`; `agentToken` goes into the Secret only.
    public static func render(_ request: PodRequest, agentToken: String) throws(PodRenderError) -> RenderedJob {
        var context = RenderContext(request: request)
        try context.check()
        return try context.render(agentToken: agentToken)
    }
}

/// The state of one rendering: Secret values, volumes and names as they are handed out.
private struct RenderContext {
    let request: PodRequest
    var template: PodTemplate { request.template }
    var secretData: [String: String] = [:]
    var warnings: [String] = []
    /// Named volumes in first-use order: volume name as written → pod volume name.
    var namedVolumes: [(written: String, podName: String)] = []
    var anonymousVolumes: [String] = []
    var volumeNames: Set<String> = [PodLayout.workVolume, PodLayout.tokenVolume]
    var ports: [PortSpec: String] = [:]
    var hostnames: [String] = []
    var credentials = RegistryCredentials()

    init(request: PodRequest) {
        self.request = request
    }

    func check() throws(PodRenderError) {
        guard KubeNames.isDNSLabel(request.podName) else {
            throw PodRenderError("the pod name '\(request.podName)' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)")
        }
        guard KubeNames.isDNSLabel(request.namespace) else {
            throw PodRenderError("the namespace '\(request.namespace)' is not a DNS-1123 label")
        }
        guard !request.runnerID.isEmpty, KubeNames.isLabelValue(request.runnerID) else {
            throw PodRenderError("the runner id '\(request.runnerID)' cannot be a label value (at most 63 letters, digits, '-', '_', '.')")
        }
        guard !request.agentImage.isEmpty else { throw PodRenderError("no agent image is configured (kubernetes.agent_image)") }
        guard !request.controllerURL.isEmpty else { throw PodRenderError("no controller URL is configured (kubernetes.controller_url)") }
        guard request.activeDeadlineSeconds > 0 else { throw PodRenderError("activeDeadlineSeconds must be positive") }
        guard request.terminationGracePeriodSeconds >= 0 else { throw PodRenderError("terminationGracePeriodSeconds must not be negative") }
        for (key, value) in template.labels.sorted(by: { $0.key < $1.key }) {
            guard KubeNames.isQualifiedName(key), KubeNames.isLabelValue(value) else {
                throw PodRenderError("the pod template's label '\(key): \(value)' is not a valid Kubernetes label")
            }
        }
        for key in template.annotations.keys.sorted() where !KubeNames.isQualifiedName(key) {
            throw PodRenderError("the pod template's annotation key '\(key)' is not a valid Kubernetes annotation key")
        }
        if let limit = template.workspaceSizeLimit, Quantity.value(limit) == nil {
            throw PodRenderError("the workspace size limit '\(limit)' is not a Kubernetes quantity (e.g. 10Gi)")
        }
    }

    mutating func render(agentToken: String) throws(PodRenderError) -> RenderedJob {
        secretData[PodLayout.tokenKey] = agentToken
        let profile = template.security

        // The job container.
        let jobRequest: ContainerRequest
        if let container = request.environment.container, !container.image.isEmpty {
            jobRequest = container
        } else if let image = request.labelImage ?? template.image, !image.isEmpty {
            jobRequest = ContainerRequest(image: image)
        } else {
            throw PodRenderError(
                "the job has no image: give it `container:`, use a runner label with docker://IMAGE, "
                    + "or set `image` in the label's pod template (kubernetes.default.image)")
        }
        let jobOwner = "the job container"
        let jobOptions = try ContainerOptions.parse(jobRequest.options, owner: jobOwner)
        if jobOptions.entrypoint != nil {
            throw PodRenderError("\(jobOwner): the option '--entrypoint' cannot be used: Hearth runs its step shim as the job container's command")
        }
        var containers: [JSONValue] = []
        var job = try container(
            name: PodLayout.jobContainer, request: jobRequest, options: jobOptions, owner: jobOwner,
            resources: template.resources, profile: profile)
        job["command"] = ["/bin/sh", "-c", .string(StepShim.script)]
        job["workingDir"] = .string(jobOptions.workingDirectory ?? StepShim.workMount)
        var jobMounts = job["volumeMounts"]?.arrayValue ?? []
        jobMounts.insert(["name": .string(PodLayout.workVolume), "mountPath": .string(StepShim.workMount)], at: 0)
        job["volumeMounts"] = .array(jobMounts)
        containers.append(job)
        containers.append(agentContainer())

        // Services, in file order.
        var containerNames: Set = [PodLayout.jobContainer, PodLayout.agentContainer]
        for (serviceName, service) in request.environment.services {
            let owner = "service '\(serviceName)'"
            var slug = KubeNames.slug(serviceName, limit: 63 - PodLayout.servicePrefix.count)
            if slug.isEmpty { slug = "service" }
            let name = KubeNames.unique(PodLayout.servicePrefix + slug, in: &containerNames)
            let options = try ContainerOptions.parse(service.options, owner: owner)
            var container = try container(
                name: name, request: service, options: options, owner: owner, resources: template.serviceResources, profile: profile)
            if let entrypoint = service.entrypoint ?? options.entrypoint, !entrypoint.isEmpty {
                container["command"] = [.string(entrypoint)]
            }
            if let command = service.command, !command.allSatisfy(\.isWhitespace) {
                do {
                    container["args"] = .array(try ShellWords.split(command).map { .string($0) })
                } catch {
                    throw PodRenderError("\(owner): the command cannot be read (\(error)): \(command)")
                }
            }
            if let workdir = options.workingDirectory { container["workingDir"] = .string(workdir) }
            containers.append(container)
            try addHostname(serviceName, explicit: false, owner: owner)
        }

        // The pod.
        var spec: JSONValue = [
            "restartPolicy": "Never",
            "automountServiceAccountToken": false,
            "enableServiceLinks": false,
            "activeDeadlineSeconds": .number(Double(request.activeDeadlineSeconds)),
            "terminationGracePeriodSeconds": .number(Double(request.terminationGracePeriodSeconds)),
            "securityContext": podSecurityContext(profile),
            "containers": .array(containers),
            "volumes": .array(volumes()),
        ]
        if profile == .userNamespace { spec["hostUsers"] = false }
        if !hostnames.isEmpty {
            spec["hostAliases"] = [
                ["ip": "127.0.0.1", "hostnames": .array(hostnames.map { .string($0) })],
                ["ip": "::1", "hostnames": .array(hostnames.map { .string($0) })],
            ]
        }
        if !template.nodeSelector.isEmpty { spec["nodeSelector"] = .object(template.nodeSelector.mapValues { .string($0) }) }
        if let tolerations = template.tolerations, !tolerations.isEmpty { spec["tolerations"] = .array(tolerations) }
        if let affinity = template.affinity { spec["affinity"] = affinity }
        if let account = template.serviceAccountName { spec["serviceAccountName"] = .string(account) }
        if let runtimeClass = template.runtimeClassName { spec["runtimeClassName"] = .string(runtimeClass) }
        if let priorityClass = template.priorityClassName { spec["priorityClassName"] = .string(priorityClass) }
        var pullSecrets = template.imagePullSecrets
        let pullSecretName = "\(request.podName)-pull"
        if !credentials.isEmpty { pullSecrets.append(pullSecretName) }
        if !pullSecrets.isEmpty { spec["imagePullSecrets"] = .array(pullSecrets.map { ["name": .string($0)] }) }

        var pod: JSONValue = [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": ["name": .string(request.podName), "namespace": .string(request.namespace), "labels": .object(labels()),
                         "annotations": .object(annotations())],
            "spec": spec,
        ]
        if let patch = template.patch { pod = pod.merging(patch: patch) }

        var pullSecret: JSONValue?
        if !credentials.isEmpty {
            pullSecret = [
                "apiVersion": "v1", "kind": "Secret",
                "metadata": ["name": .string(pullSecretName), "namespace": .string(request.namespace), "labels": .object(ownLabels())],
                "type": "kubernetes.io/dockerconfigjson",
                "data": [".dockerconfigjson": .string(Data(credentials.dockerConfigJSON.utf8).base64EncodedString())],
            ]
        }
        return RenderedJob(pod: pod, secretData: secretData, pullSecret: pullSecret, warnings: warnings)
    }

    // MARK: - Containers

    private mutating func container(
        name: String, request container: ContainerRequest, options: ContainerOptions, owner: String, resources: JSONValue?,
        profile: SecurityProfile
    ) throws(PodRenderError) -> JSONValue {
        try credentials.add(image: container.image, username: container.username, password: container.password, owner: owner)
        var result: JSONValue = ["name": .string(name), "image": .string(container.image)]

        // Environment: `env:` then `-e` options (which win), every value through the Secret.
        var environment = container.environment
        for (variable, value) in options.environment { environment[variable] = value }
        var env: [JSONValue] = []
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard KubeNames.isEnvName(variable) else {
                throw PodRenderError("\(owner): '\(variable)' cannot be an environment variable name in Kubernetes (letters, digits, '_', '-', '.'; not starting with a digit)")
            }
            let key = "\(name).\(variable)"
            secretData[key] = value
            env.append([
                "name": .string(variable),
                "valueFrom": ["secretKeyRef": ["name": .string(request.podName), "key": .string(key)]],
            ])
        }
        if !env.isEmpty { result["env"] = .array(env) }

        // Ports.
        var containerPorts: [JSONValue] = []
        var seen = Set<PortSpec>()
        for text in container.ports {
            let port = try PortSpec.parse(text, owner: owner)
            guard seen.insert(port).inserted else { continue }
            if let other = ports[port] {
                throw PodRenderError(
                    "\(other) and \(owner) both use port \(port.description); the containers of a job share one network in its pod, "
                        + "so two of them cannot listen on the same port")
            }
            ports[port] = owner
            containerPorts.append(["containerPort": .number(Double(port.port)), "protocol": .string(port.protocol)])
        }
        if !containerPorts.isEmpty { result["ports"] = .array(containerPorts) }

        // Volumes.
        var mounts: [JSONValue] = []
        var mountPaths: Set = [StepShim.workMount]
        for text in container.volumes {
            let volume = try VolumeSpec.parse(text, owner: owner)
            guard mountPaths.insert(volume.mountPath).inserted else {
                throw PodRenderError("\(owner): two volumes are mounted at \(volume.mountPath)")
            }
            var mount: JSONValue = ["name": .string(podVolume(for: volume, container: name)), "mountPath": .string(volume.mountPath)]
            if volume.readOnly { mount["readOnly"] = true }
            mounts.append(mount)
        }
        if !mounts.isEmpty { result["volumeMounts"] = .array(mounts) }

        // Resources: the template's, with `--cpus`/`--memory` as limits.
        var resources = resources ?? [:]
        if let cpus = options.cpus { setLimit(&resources, "cpu", Quantity.cpu(cpus)) }
        if let bytes = options.memoryBytes { setLimit(&resources, "memory", Quantity.bytes(bytes)) }
        if resources.objectValue?.isEmpty == false { result["resources"] = resources }

        // Readiness from `--health-*`.
        if let probe = Self.readinessProbe(options) { result["readinessProbe"] = probe }

        // Security.
        var security = Self.containerSecurityContext(profile)
        if let user = options.user {
            if profile == .restricted && user.uid == 0 {
                throw PodRenderError(
                    "\(owner): '--user 0' runs as root, which the `restricted` security profile forbids; "
                        + "use a label with `security: baseline` or `security: user-namespace`")
            }
            security["runAsUser"] = .number(Double(user.uid))
            if let gid = user.gid { security["runAsGroup"] = .number(Double(gid)) }
        }
        result["securityContext"] = security

        for alias in options.aliases { try addHostname(alias, explicit: true, owner: owner) }
        return result
    }

    private mutating func addHostname(_ name: String, explicit: Bool, owner: String) throws(PodRenderError) {
        let lowered = name.lowercased()
        guard KubeNames.isDNSSubdomain(lowered) else {
            if explicit {
                throw PodRenderError("\(owner): the network alias '\(name)' is not a valid host name (letters, digits, '-' and '.')")
            } else {
                warnings.append(
                    "\(owner): '\(name)' is not a valid host name, so the service can only be reached as localhost (rename the service to use its name)")
            }
            return
        }
        if !hostnames.contains(lowered) { hostnames.append(lowered) }
    }

    private func setLimit(_ resources: inout JSONValue, _ name: String, _ quantity: String) {
        var limits = resources["limits"] ?? [:]
        limits[name] = .string(quantity)
        resources["limits"] = limits
        // A request above the new limit would be refused by the API server: lower it.
        if let request = resources["requests"]?[name], let requested = Quantity.normalized(request).flatMap(Quantity.value),
            let limit = Quantity.value(quantity), requested > limit
        {
            resources["requests"]?[name] = .string(quantity)
        }
    }

    static func readinessProbe(_ options: ContainerOptions) -> JSONValue? {
        guard !options.noHealthcheck, let command = options.healthCommand, !command.isEmpty, command.uppercased() != "NONE" else { return nil }
        func seconds(_ duration: Duration?, default fallback: Int) -> JSONValue {
            guard let duration else { return .number(Double(fallback)) }
            let (whole, fraction) = duration.components
            return .number(Double(max(1, whole + (fraction > 0 ? 1 : 0))))
        }
        let retries = options.healthRetries.flatMap { $0 > 0 ? $0 : nil } ?? 3
        return [
            "exec": ["command": ["sh", "-c", .string(command)]],
            "periodSeconds": seconds(options.healthInterval, default: 30),
            "timeoutSeconds": seconds(options.healthTimeout, default: 30),
            "failureThreshold": .number(Double(retries)),
            "successThreshold": 1,
        ]
    }

    private func agentContainer() -> JSONValue {
        func plain(_ name: String, _ value: String) -> JSONValue { ["name": .string(name), "value": .string(value)] }
        func field(_ name: String, _ path: String) -> JSONValue {
            ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(path)]]]
        }
        var security = Self.restrictedContainerContext
        security["runAsNonRoot"] = true
        security["runAsUser"] = .number(Double(PodLayout.unprivilegedID))
        security["runAsGroup"] = .number(Double(PodLayout.unprivilegedID))
        security["seccompProfile"] = ["type": "RuntimeDefault"]
        return [
            "name": .string(PodLayout.agentContainer),
            "image": .string(request.agentImage),
            "command": .array(PodLayout.agentCommand.map { .string($0) }),
            "env": [
                plain(PodLayout.controllerURLVariable, request.controllerURL),
                plain(PodLayout.taskIDVariable, String(request.taskID)),
                plain(PodLayout.tokenFileVariable, "\(PodLayout.tokenMount)/\(PodLayout.tokenKey)"),
                plain(PodLayout.workDirectoryVariable, StepShim.workMount),
                field(PodLayout.podNameVariable, "metadata.name"),
                field(PodLayout.podNamespaceVariable, "metadata.namespace"),
            ],
            "volumeMounts": [
                ["name": .string(PodLayout.workVolume), "mountPath": .string(StepShim.workMount)],
                ["name": .string(PodLayout.tokenVolume), "mountPath": .string(PodLayout.tokenMount), "readOnly": true],
            ],
            "resources": template.agentResources ?? PodLayout.defaultAgentResources,
            "securityContext": security,
        ]
    }

    // MARK: - Security

    static let restrictedContainerContext: JSONValue = ["allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]]

    static func containerSecurityContext(_ profile: SecurityProfile) -> JSONValue {
        switch profile {
        case .restricted: return restrictedContainerContext
        case .baseline, .userNamespace: return ["allowPrivilegeEscalation": false]
        }
    }

    private func podSecurityContext(_ profile: SecurityProfile) -> JSONValue {
        let id = JSONValue.number(Double(PodLayout.unprivilegedID))
        var context: JSONValue = ["fsGroup": id, "seccompProfile": ["type": "RuntimeDefault"]]
        switch profile {
        case .restricted:
            context["runAsNonRoot"] = true
            context["runAsUser"] = id
            context["runAsGroup"] = id
        case .baseline:
            break
        case .userNamespace:
            context["runAsUser"] = 0
            context["runAsGroup"] = 0
        }
        return context
    }

    // MARK: - Volumes

    private mutating func podVolume(for volume: VolumeSpec, container: String) -> String {
        if let written = volume.name {
            if let existing = namedVolumes.first(where: { $0.written == written }) { return existing.podName }
            var slug = KubeNames.slug(written, limit: 59)
            if slug.isEmpty { slug = "volume" }
            let name = KubeNames.unique("vol-\(slug)", in: &volumeNames)
            namedVolumes.append((written, name))
            return name
        }
        let name = KubeNames.unique(String("tmp-\(container)".prefix(63)), in: &volumeNames)
        anonymousVolumes.append(name)
        return name
    }

    private func volumes() -> [JSONValue] {
        var work: JSONValue = ["name": .string(PodLayout.workVolume), "emptyDir": [:]]
        if let limit = template.workspaceSizeLimit { work["emptyDir"] = ["sizeLimit": .string(limit)] }
        var result: [JSONValue] = [
            work,
            [
                "name": .string(PodLayout.tokenVolume),
                "secret": [
                    "secretName": .string(request.podName),
                    "items": [["key": .string(PodLayout.tokenKey), "path": .string(PodLayout.tokenKey)]],
                    "defaultMode": 0o440,
                ],
            ],
        ]
        for volume in namedVolumes { result.append(["name": .string(volume.podName), "emptyDir": [:]]) }
        for name in anonymousVolumes { result.append(["name": .string(name), "emptyDir": [:]]) }
        return result
    }

    // MARK: - Metadata

    private func ownLabels() -> [String: JSONValue] {
        [
            PodLayout.nameLabel: .string(PodLayout.nameLabelValue),
            PodLayout.managedByLabel: .string(PodLayout.managedByLabelValue),
            PodLayout.runnerLabel: .string(request.runnerID),
            PodLayout.taskLabel: .string(String(request.taskID)),
        ]
    }

    private func labels() -> [String: JSONValue] {
        var labels = template.labels.mapValues { JSONValue.string($0) }
        labels.merge(ownLabels()) { _, own in own }
        return labels
    }

    private func annotations() -> [String: JSONValue] {
        var annotations: [String: JSONValue] = [:]
        for (key, value) in request.environment.labels where KubeNames.isQualifiedName(key) { annotations[key] = .string(value) }
        for (key, value) in template.annotations { annotations[key] = .string(value) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        annotations[PodLayout.jobAnnotation] = .string(request.jobDisplayName)
        annotations[PodLayout.deadlineAnnotation] = .string(formatter.string(from: request.deadline))
        return annotations
    }
}
