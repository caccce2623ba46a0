import Backends
import Foundation
import Kube
import Testing
@testable import KubePod

/// Every kind of object Hearth renders, and every manifest under deploy/, checked against the
/// real Kubernetes OpenAPI schemas with `kubernetes-validate --strict` (pip install
/// kubernetes-validate) for each supported minor version.
@Suite("Schema validation")
struct SchemaValidationTests {
    static let versions = ["1.29.0", "1.30.0", "1.31.0", "1.32.0", "1.33.0", "1.34.0", "1.35.0"]

    /// Named variations covering every renderer feature.
    static func variations() throws -> [(name: String, objects: [JSONValue])] {
        var result: [(String, [JSONValue])] = []
        var task: Int64 = 100
        func add(_ name: String, _ request: PodRequest) throws {
            var request = request
            task += 1
            request.taskID = task
            request.podName = PodRenderer.podName(taskID: task, jobName: name)
            let rendered = try PodRenderer.render(request, agentToken: "token-\(task)")
            var objects = [rendered.pod, rendered.secret(ownedBy: "4b1e6a52-uid-\(task)")]
            if let pull = rendered.pullSecret(ownedBy: "4b1e6a52-uid-\(task)") { objects.append(pull) }
            result.append((name, objects))
            var redacted = rendered.objects(redacted: true)
            // Give the review copies their own names so errors point at one object.
            for index in redacted.indices {
                let name = redacted[index][path: "metadata", "name"]?.stringValue ?? ""
                redacted[index]["metadata"]?["name"] = .string("review-" + name)
            }
            result.append(("\(name) (redacted review)", redacted))
        }
        let services: [(name: String, container: ContainerRequest)] = [
            ("db", Fixtures.postgres), ("cache", Fixtures.redis),
            ("s3", ContainerRequest(
                image: "registry.example.org/minio:1", username: "u", password: "p", environment: ["MINIO_ROOT_PASSWORD": "x"],
                ports: ["9000:9000", "9001"], volumes: ["data:/data", "/tmp/anon"],
                options: "--cpus 0.5 --memory 256m --user 1000:1000 --network-alias minio --entrypoint /usr/bin/minio -w /data",
                command: "server /data --console-address :9001")),
            ("dns", ContainerRequest(image: "coredns", ports: ["53/udp", "53/tcp"], options: "--health-cmd 'dig @::1 .' --health-retries 0")),
        ]
        let job = ContainerRequest(
            image: "node:20-bookworm", environment: ["NODE_ENV": "test"], ports: ["3000"], volumes: ["data:/shared:ro"],
            options: "--cpus 2 -m 4g -e CI=true")
        for profile in SecurityProfile.allCases {
            var template = PodTemplate()
            template.security = profile
            try add("\(profile.rawValue) minimal", Fixtures.request(template: template))
            try add("\(profile.rawValue) services", Fixtures.request(job: job, services: services, template: template))
        }
        var full = TemplateTests.scheduling
        full.resources = ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": ["memory": "2Gi", "ephemeral-storage": "10Gi"]]
        full.serviceResources = ["requests": ["cpu": "100m"]]
        full.agentResources = ["requests": ["cpu": "5m", "memory": "16Mi"], "limits": ["memory": "64Mi"]]
        full.workspaceSizeLimit = "20Gi"
        full.patch = [
            "metadata": ["labels": ["patched": "yes"]],
            "spec": ["dnsPolicy": "None", "dnsConfig": ["nameservers": ["2001:db8::53"], "searches": ["ci.svc.cluster.local"]],
                     "topologySpreadConstraints": [["maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"]]],
        ]
        try add("full template", Fixtures.request(job: job, services: services, template: full))
        full.security = .userNamespace
        try add("full template userns", Fixtures.request(job: job, services: services, template: full))
        try add("label image", Fixtures.request(job: nil, labelImage: "debian:bookworm"))
        return result
    }

    @Test("rendered objects and deploy/ pass kubernetes-validate --strict for 1.29 to 1.35")
    func validate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var files: [String] = []
        for (index, variation) in try Self.variations().enumerated() {
            let file = directory.appendingPathComponent(String(format: "%02d-rendered.yaml", index))
            try ("# \(variation.name)\n" + KubeYAML.render(variation.objects)).write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        for name in try DeployFiles.manifestNames() where name != "kustomization.yaml" {
            files.append(DeployFiles.directory.appendingPathComponent(name).path)
        }
        // What `kubectl apply -k deploy/` would send, when kubectl is there.
        if let kustomized = try? run("kubectl", ["kustomize", DeployFiles.directory.path], required: false), kustomized.status == 0 {
            let file = directory.appendingPathComponent("kustomized.yaml")
            try kustomized.output.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        #expect(files.count > 20)

        for version in Self.versions {
            let result = try run("kubernetes-validate", ["--strict", "--quiet", "-k", version] + files)
            #expect(result.status == 0, "kubernetes-validate -k \(version) failed:\n\(result.output)")
            #expect(!result.output.contains("ERROR"), "\(result.output)")
        }
    }

    @Test("the validator really rejects a broken pod (so a pass means something)")
    func validatorRejects() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-schema-neg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var pod = try Fixtures.render(Fixtures.request()).pod
        pod["spec"]?["hostAliasses"] = []
        let file = directory.appendingPathComponent("bad.yaml")
        try KubeYAML.render([pod]).write(to: file, atomically: true, encoding: .utf8)
        let result = try run("kubernetes-validate", ["--strict", "--quiet", "-k", "1.33.0", file.path])
        #expect(result.status != 0)
        #expect(result.output.contains("hostAliasses"))
    }

    /// Runs a program from PATH, stdout and stderr together.
    func run(_ program: String, _ arguments: [String], required: Bool = true) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            if !required { throw error }
            Issue.record("cannot run \(program): \(error). Install it with: pip install kubernetes-validate==1.37.0")
            throw error
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 && required {
            Issue.record("\(program) is not installed. Install it with: pip install kubernetes-validate==1.37.0")
        }
        return (process.terminationStatus, output)
    }
}

@Suite("Restricted PSS for every rendered restricted pod")
struct RestrictedVariationsTests {
    @Test("every restricted variation passes the restricted profile; the others pass baseline")
    func everyVariation() throws {
        var restrictedCount = 0
        for variation in try SchemaValidationTests.variations() {
            for object in variation.objects where object["kind"] == "Pod" {
                let hostUsers = object[path: "spec", "hostUsers"]
                let rootish = object[path: "spec", "securityContext", "runAsNonRoot"] != true
                if !rootish && hostUsers == nil {
                    restrictedCount += 1
                    #expect(PodSecurityStandards.restrictedViolations(object) == [], "\(variation.name)")
                } else {
                    #expect(PodSecurityStandards.baselineViolations(object) == [], "\(variation.name)")
                }
            }
        }
        #expect(restrictedCount >= 8)
    }
}
