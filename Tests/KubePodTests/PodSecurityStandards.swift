import Kube

/// The Pod Security Standards' checks (kubernetes.io/docs/concepts/security/pod-security-standards)
/// for the fields Hearth's pods use, so a restricted or baseline pod is checked in Swift as well
/// as by the schema validator.
enum PodSecurityStandards {
    static let allowedRestrictedVolumes: Set = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    ]
    static let baselineCapabilities: Set = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
        "SETUID", "SYS_CHROOT",
    ]

    static func allContainers(_ pod: JSONValue) -> [JSONValue] {
        ["initContainers", "containers", "ephemeralContainers"].flatMap { pod[path: "spec", $0]?.arrayValue ?? [] }
    }

    /// Violations of the `baseline` profile.
    static func baselineViolations(_ pod: JSONValue) -> [String] {
        var problems: [String] = []
        let spec = pod["spec"] ?? [:]
        for field in ["hostNetwork", "hostPID", "hostIPC"] where spec[field]?.boolValue == true { problems.append("spec.\(field)") }
        if spec[path: "securityContext", "windowsOptions", "hostProcess"]?.boolValue == true { problems.append("hostProcess") }
        for volume in spec["volumes"]?.arrayValue ?? [] where volume["hostPath"] != nil { problems.append("hostPath volume") }
        if let type = spec[path: "securityContext", "seccompProfile", "type"]?.stringValue, type == "Unconfined" {
            problems.append("pod seccomp Unconfined")
        }
        if let sysctls = spec[path: "securityContext", "sysctls"]?.arrayValue, !sysctls.isEmpty { problems.append("sysctls") }
        for container in allContainers(pod) {
            let name = container["name"]?.stringValue ?? "?"
            let context = container["securityContext"] ?? [:]
            if context["privileged"]?.boolValue == true { problems.append("\(name): privileged") }
            if context[path: "windowsOptions", "hostProcess"]?.boolValue == true { problems.append("\(name): hostProcess") }
            for capability in context[path: "capabilities", "add"]?.strings ?? [] where !baselineCapabilities.contains(capability) {
                problems.append("\(name): adds \(capability)")
            }
            for port in container["ports"]?.arrayValue ?? [] where (port["hostPort"]?.intValue ?? 0) != 0 {
                problems.append("\(name): hostPort")
            }
            if context["procMount"]?.stringValue.map({ $0 != "Default" }) == true { problems.append("\(name): procMount") }
            if context[path: "seccompProfile", "type"]?.stringValue == "Unconfined" { problems.append("\(name): seccomp Unconfined") }
        }
        return problems
    }

    /// Violations of the `restricted` profile (which includes `baseline`).
    static func restrictedViolations(_ pod: JSONValue) -> [String] {
        var problems = baselineViolations(pod)
        let spec = pod["spec"] ?? [:]
        for volume in spec["volumes"]?.arrayValue ?? [] {
            let kinds = Set(volume.objectValue?.keys.filter { $0 != "name" } ?? [])
            if !kinds.isSubset(of: allowedRestrictedVolumes) { problems.append("volume \(volume["name"]?.stringValue ?? "?"): \(kinds.sorted())") }
        }
        let podContext = spec["securityContext"] ?? [:]
        let podNonRoot = podContext["runAsNonRoot"]?.boolValue == true
        if podContext["runAsUser"]?.intValue == 0 { problems.append("pod runAsUser 0") }
        let podSeccomp = podContext[path: "seccompProfile", "type"]?.stringValue
        for container in allContainers(pod) {
            let name = container["name"]?.stringValue ?? "?"
            let context = container["securityContext"] ?? [:]
            if context["allowPrivilegeEscalation"]?.boolValue != false { problems.append("\(name): allowPrivilegeEscalation not false") }
            let nonRoot = context["runAsNonRoot"]?.boolValue ?? (podNonRoot ? true : nil)
            if nonRoot != true { problems.append("\(name): runAsNonRoot not true") }
            if context["runAsUser"]?.intValue == 0 { problems.append("\(name): runAsUser 0") }
            let seccomp = context[path: "seccompProfile", "type"]?.stringValue ?? podSeccomp
            if !["RuntimeDefault", "Localhost"].contains(seccomp ?? "") { problems.append("\(name): seccomp not RuntimeDefault/Localhost") }
            if !(context[path: "capabilities", "drop"]?.strings.contains("ALL") ?? false) { problems.append("\(name): capabilities not dropped") }
            for capability in context[path: "capabilities", "add"]?.strings ?? [] where capability != "NET_BIND_SERVICE" {
                problems.append("\(name): adds \(capability)")
            }
        }
        return problems
    }
}
