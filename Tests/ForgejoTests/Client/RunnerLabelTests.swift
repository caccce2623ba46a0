import Forgejo
import Testing

@Suite("Runner labels")
struct RunnerLabelTests {
    @Test("parsing and defaults", arguments: [
        ("label1", RunnerLabel(name: "label1", scheme: .docker(image: "node:22-bookworm"))),
        ("label1:docker", RunnerLabel(name: "label1", scheme: .docker(image: "node:22-bookworm"))),
        ("label1:docker://node:18", RunnerLabel(name: "label1", scheme: .docker(image: "node:18"))),
        ("ubuntu:docker://data.forgejo.org/oci/node:20-bullseye",
         RunnerLabel(name: "ubuntu", scheme: .docker(image: "data.forgejo.org/oci/node:20-bullseye"))),
        ("label1:lxc", RunnerLabel(name: "label1", scheme: .lxc("debian:bookworm"))),
        ("label1:lxc://debian:buster", RunnerLabel(name: "label1", scheme: .lxc("debian:buster"))),
        ("k:lxc://debian:bookworm:docker lxc k8s", RunnerLabel(name: "k", scheme: .lxc("debian:bookworm:docker lxc k8s"))),
        ("label1:host", RunnerLabel(name: "label1", scheme: .host)),
    ])
    func parse(text: String, expected: RunnerLabel) throws {
        #expect(try RunnerLabel(parsing: text) == expected)
    }

    @Test("invalid labels", arguments: ["label1:host:something", "label1:invalidscheme", " label1:lxc://debian:buster",
                                        "label1 :lxc://debian:buster", "", ":host"])
    func invalid(text: String) {
        #expect(throws: LabelError.self) { try RunnerLabel(parsing: text) }
    }

    @Test("error messages name the label and the fix")
    func message() {
        do {
            _ = try RunnerLabel(parsing: "x:podman://alpine")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == #"invalid label "x:podman://alpine": unsupported scheme "podman" (use docker, host or lxc)"#)
        }
    }

    @Test("the full string round-trips")
    func description() throws {
        for text in ["a:docker://node:22-bookworm", "b:host", "c:lxc://debian:bookworm"] {
            let label = try RunnerLabel(parsing: text)
            #expect(label.description == text)
            #expect(try RunnerLabel(parsing: label.description) == label)
        }
        #expect(try RunnerLabel(parsing: "bare").description == "bare:docker://node:22-bookworm")
    }

    @Test("pick: the first runs-on entry that names a label")
    func pick() throws {
        let labels = try ["docker:docker://node:22", "linux:host", "ubuntu-latest:docker://ubuntu:24.04"].map(RunnerLabel.init(parsing:))
        #expect(RunnerLabel.pick(for: ["self-hosted", "linux", "ubuntu-latest"], from: labels)?.scheme == .host)
        #expect(RunnerLabel.pick(for: ["ubuntu-latest", "linux"], from: labels)?.name == "ubuntu-latest")
        #expect(RunnerLabel.pick(for: ["windows"], from: labels) == nil)
        #expect(RunnerLabel.pick(for: [], from: labels) == nil)
    }

    @Test("matches: every runs-on entry is a label name")
    func matches() throws {
        let labels = try ["docker", "linux:host", "gpu:host"].map(RunnerLabel.init(parsing:))
        #expect(RunnerLabel.matches(runsOn: ["linux"], labels: labels))
        #expect(RunnerLabel.matches(runsOn: ["linux", "gpu"], labels: labels))
        #expect(!RunnerLabel.matches(runsOn: ["linux", "arm64"], labels: labels))
        #expect(!RunnerLabel.matches(runsOn: ["Linux"], labels: labels))
        #expect(!RunnerLabel.matches(runsOn: [], labels: labels))
        #expect(!RunnerLabel.matches(runsOn: ["linux"], labels: []))
    }

    @Test("names and parseAll")
    func lists() {
        let (labels, errors) = RunnerLabel.parseAll(["a:host", "b", "a:docker://x", "c:nope"])
        #expect(labels.count == 3)
        #expect(errors.map(\.label) == ["c:nope"])
        #expect(RunnerLabel.names(of: labels) == ["a", "b"])
    }
}
