import Backends
import Kube
import Testing
@testable import KubePod

@Suite("Volumes")
struct VolumeTests {
    @Test("a named volume is one emptyDir shared by every container that names it")
    func namedVolumes() throws {
        let job = ContainerRequest(image: "node", volumes: ["cache:/cache", "data:/data:ro"])
        let svc = ContainerRequest(image: "minio", volumes: ["data:/export"])
        let pod = try Fixtures.render(Fixtures.request(job: job, services: [("s3", svc)])).pod
        #expect(pod.volume("vol-cache") == ["name": "vol-cache", "emptyDir": [:]])
        #expect(pod.volume("vol-data") == ["name": "vol-data", "emptyDir": [:]])
        #expect(pod[path: "spec", "volumes"]?.arrayValue?.count == 4)
        #expect(pod.container("job")?["volumeMounts"] == [
            ["name": "hearth-work", "mountPath": "/__w"], ["name": "vol-cache", "mountPath": "/cache"],
            ["name": "vol-data", "mountPath": "/data", "readOnly": true],
        ])
        #expect(pod.container("svc-s3")?["volumeMounts"] == [["name": "vol-data", "mountPath": "/export"]])
    }

    @Test("an anonymous volume is an emptyDir for that container")
    func anonymous() throws {
        let pod = try Fixtures.render(Fixtures.request(services: [("db", ContainerRequest(image: "pg", volumes: ["/var/lib/postgresql/data"]))])).pod
        #expect(pod.container("svc-db")?["volumeMounts"] == [["name": "tmp-svc-db", "mountPath": "/var/lib/postgresql/data"]])
        #expect(pod.volume("tmp-svc-db") != nil)
    }

    @Test("host paths and other unusable volumes are refused", arguments: [
        ("/var/run/docker.sock:/var/run/docker.sock", "path of the node"), ("./src:/src", "path of the node"),
        ("~/x:/x", "path of the node"), ("data:relative", "absolute"), ("data:/d:delegated", "mode"), ("data", "container path"),
        ("data:/__w", "workspace"), ("a:/x:ro:extra", "cannot be read"),
    ])
    func refused(volume: String, reason: String) throws {
        let message = try #require(Fixtures.failure(Fixtures.request(job: ContainerRequest(image: "a", volumes: [volume]))))
        #expect(message.contains("the job container") && message.contains(reason), "\(message)")
    }

    @Test("two volumes at one path are refused")
    func duplicateMount() {
        let request = Fixtures.request(job: ContainerRequest(image: "a", volumes: ["a:/x", "b:/x/"]))
        #expect(Fixtures.failure(request)?.contains("two volumes are mounted at /x") == true)
    }
}
