import Backends
import Foundation
import Kube
import Testing
@testable import KubePod

@Suite("Secrets")
struct SecretTests {
    let secretValues = ["pg-Secret-Value-91", "job-Secret-Value-17", "opt-Secret-Value-23", Fixtures.token, "hunter2-registry-pw"]

    func rendered() throws -> RenderedJob {
        let job = ContainerRequest(
            image: "registry.example.org/team/ci:1", username: "bot", password: "hunter2-registry-pw",
            environment: ["API_KEY": "job-Secret-Value-17", "MODE": "ci"], options: "-e OPT_SECRET=opt-Secret-Value-23")
        return try Fixtures.render(Fixtures.request(job: job, services: [("db", Fixtures.postgres)]))
    }

    @Test("no secret value occurs anywhere in the pod")
    func notInPod() throws {
        let json = try rendered().pod.jsonString()
        for value in secretValues { #expect(!json.contains(value), "\(value) leaked into the pod") }
        let yaml = KubeYAML.render([try rendered().pod])
        for value in secretValues { #expect(!yaml.contains(value)) }
    }

    @Test("every env entry is a secretKeyRef into the pod's Secret")
    func secretKeyRefs() throws {
        let rendered = try rendered()
        let job = try #require(rendered.pod.container("job"))
        #expect(job.env("API_KEY") == [
            "name": "API_KEY", "valueFrom": ["secretKeyRef": ["name": "hearth-4711-build-linux-20", "key": "job.API_KEY"]],
        ])
        #expect(job.env("OPT_SECRET")?[path: "valueFrom", "secretKeyRef", "key"] == "job.OPT_SECRET")
        let db = try #require(rendered.pod.container("svc-db"))
        #expect(db.env("POSTGRES_PASSWORD")?[path: "valueFrom", "secretKeyRef", "key"] == "svc-db.POSTGRES_PASSWORD")
        for container in rendered.pod[path: "spec", "containers"]?.arrayValue ?? [] where container["name"] != "hearth-agent" {
            for entry in container["env"]?.arrayValue ?? [] {
                #expect(entry["value"] == nil, "\(entry.jsonString())")
                #expect(entry[path: "valueFrom", "secretKeyRef", "name"] == "hearth-4711-build-linux-20")
            }
        }
        #expect(rendered.secretData == [
            "token": Fixtures.token, "job.API_KEY": "job-Secret-Value-17", "job.MODE": "ci", "job.OPT_SECRET": "opt-Secret-Value-23",
            "svc-db.POSTGRES_PASSWORD": "pg-Secret-Value-91", "svc-db.POSTGRES_DB": "app",
        ])
    }

    @Test("the Secret: named like the pod, owned by it, values base64-encoded, Hearth's labels")
    func secretObject() throws {
        let secret = try rendered().secret(ownedBy: "0b9c-uid")
        #expect(secret["kind"] == "Secret")
        #expect(secret["type"] == "Opaque")
        #expect(secret[path: "metadata", "name"] == "hearth-4711-build-linux-20")
        #expect(secret[path: "metadata", "namespace"] == "hearth")
        #expect(secret[path: "metadata", "ownerReferences"] == [[
            "apiVersion": "v1", "kind": "Pod", "name": "hearth-4711-build-linux-20", "uid": "0b9c-uid", "controller": true,
            "blockOwnerDeletion": true,
        ]])
        #expect(secret[path: "metadata", "labels", "hearth.forgejo.org/task"] == "4711")
        #expect(secret[path: "data", "token"] == .string(Data(Fixtures.token.utf8).base64EncodedString()))
    }

    @Test("redacted objects carry no secret value; unredacted ones do")
    func redaction() throws {
        let rendered = try rendered()
        let redacted = KubeYAML.render(rendered.objects(redacted: true))
        for value in secretValues {
            #expect(!redacted.contains(value))
            #expect(!redacted.contains(Data(value.utf8).base64EncodedString()))
        }
        #expect(redacted.contains("<redacted>"))
        let full = rendered.objects(redacted: false).map { $0.jsonString() }.joined()
        #expect(full.contains(Data(Fixtures.token.utf8).base64EncodedString()))
        #expect(rendered.objects(redacted: true).map { $0["kind"]?.stringValue } == ["Secret", "Pod", "Secret"])
    }

    @Test("credentials: a dockerconfigjson Secret owned by the pod, listed in imagePullSecrets")
    func pullSecret() throws {
        let rendered = try rendered()
        let pull = try #require(rendered.pullSecret(ownedBy: "uid-1"))
        #expect(pull["type"] == "kubernetes.io/dockerconfigjson")
        #expect(pull[path: "metadata", "name"] == "hearth-4711-build-linux-20-pull")
        #expect(pull[path: "metadata", "ownerReferences"]?.arrayValue?.first?["uid"] == "uid-1")
        let encoded = try #require(pull[path: "data", ".dockerconfigjson"]?.stringValue)
        let config = try JSONValue(parsing: try #require(Data(base64Encoded: encoded)))
        #expect(config[path: "auths", "registry.example.org"] == [
            "username": "bot", "password": "hunter2-registry-pw", "auth": .string(Data("bot:hunter2-registry-pw".utf8).base64EncodedString()),
        ])
        #expect(rendered.pod[path: "spec", "imagePullSecrets"] == [["name": "hearth-4711-build-linux-20-pull"]])
        #expect(try Fixtures.render(Fixtures.request()).pullSecret == nil)
    }

    @Test("credentials: Docker Hub's key, half credentials and conflicts are errors")
    func credentialRules() throws {
        #expect(RegistryCredentials.registry(of: "postgres:16") == RegistryCredentials.dockerHub)
        #expect(RegistryCredentials.registry(of: "docker.io/library/postgres") == RegistryCredentials.dockerHub)
        #expect(RegistryCredentials.registry(of: "localhost:5000/x") == "localhost:5000")
        #expect(RegistryCredentials.registry(of: "team/app") == RegistryCredentials.dockerHub)
        let half = Fixtures.request(job: ContainerRequest(image: "a", username: "u"))
        #expect(Fixtures.failure(half)?.contains("both a username and a password") == true)
        let conflict = Fixtures.request(
            job: ContainerRequest(image: "r.example/a", username: "u", password: "p"),
            services: [("db", ContainerRequest(image: "r.example/b", username: "u", password: "other"))])
        #expect(Fixtures.failure(conflict)?.contains("different credentials") == true)
    }

    @Test("environment names Kubernetes cannot take are refused")
    func badEnvName() throws {
        let request = Fixtures.request(job: ContainerRequest(image: "a", environment: ["1BAD": "x"]))
        #expect(Fixtures.failure(request)?.contains("'1BAD'") == true)
    }
}
