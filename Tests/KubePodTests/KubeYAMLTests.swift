import Backends
import Kube
import Testing
@testable import KubePod

@Suite("KubeYAML")
struct KubeYAMLTests {
    static let tricky: [String] = [
        "on", "On", "OFF", "yes", "No", "y", "n", "true", "False", "null", "Null", "~", "", " ", "0123", "0o17", "0x1F", "1.0", "1e3", ".5",
        ".inf", "-.inf", ".nan", "12:30", "1_000", "2001-12-14", "-1", "+1", "*star", "&anchor", "!tag", "%percent", "@at", "`tick",
        "a: b", "a #b", "trailing:", "- item", "? key", "[list]", "{map}", "|pipe", ">fold", "'single'", "\"double\"", "#comment",
        " leading", "trailing ", "tab\there", "line\nbreak", "cr\rhere", "uni ☃ code", "nul\u{0}byte", "bell\u{7}", "<<", "=", "a,b",
        "http://hearth.hearth.svc:8090", "::1", "127.0.0.1", "[::]:8090", "2001:db8::53", "node:20-bookworm", "/bin/sh",
        "app.kubernetes.io/name", ".dockerconfigjson", "1001", "500m", "10Gi", "RuntimeDefault",
    ]

    @Test("every string survives a YAML 1.1 reader unchanged", arguments: tricky)
    func roundTrip(text: String) throws {
        let object: JSONValue = ["value": .string(text), .init(stringLiteral: text): "as key", "list": [.string(text)]]
        let yaml = KubeYAML.render([object])
        let back = try KubeYAML.decode(yaml)
        #expect(back == [object], "\(yaml)")
    }

    @Test("plain where safe, quoted where a reader could misread")
    func quotingChoices() {
        #expect(KubeYAML.scalar("RuntimeDefault") == "RuntimeDefault")
        #expect(KubeYAML.scalar("node:20-bookworm") == "node:20-bookworm")
        #expect(KubeYAML.scalar("app.kubernetes.io/name") == "app.kubernetes.io/name")
        for text in ["on", "yes", "0123", "1.0", "null", "*x", "&x", "!x", "a: b", "a #b", "1001", "::1", ""] {
            #expect(KubeYAML.scalar(text).hasPrefix("\""), "\(text)")
        }
        #expect(KubeYAML.scalar("say \"hi\"\\") == #""say \"hi\"\\""#)
    }

    @Test("multi-document output, sorted keys, block style")
    func layout() {
        let yaml = KubeYAML.render([
            ["kind": "A", "b": ["z": 1, "a": [1, "x", ["k": "v", "j": true]]], "empty": [:], "none": [], "nothing": nil, "f": 0.25],
            ["kind": "B"],
        ])
        #expect(yaml == """
            ---
            b:
              a:
              - 1
              - x
              - j: true
                k: v
              z: 1
            empty: {}
            f: 0.25
            kind: A
            none: []
            nothing: null
            ---
            kind: B

            """)
    }

    @Test("multi-line strings are literal blocks, with the right chomping")
    func blocks() throws {
        let cases = ["one\ntwo", "one\ntwo\n", "one\ntwo\n\n", "  indented\nnext", "\nleading newline", "tabs\t\nand trailing  \nspaces"]
        for text in cases {
            let object: JSONValue = ["s": .string(text), "l": [.string(text)], "m": ["deeper": .string(text)]]
            let yaml = KubeYAML.render([object])
            #expect(yaml.contains("s: |"), "\(yaml)")
            #expect(try KubeYAML.decode(yaml) == [object], "\(yaml)")
        }
    }

    @Test("the step shim stays readable in the rendered pod")
    func shimReadable() throws {
        let rendered = try Fixtures.render(Fixtures.request(services: [("db", Fixtures.postgres)]))
        let yaml = KubeYAML.render(rendered.objects(redacted: true))
        #expect(yaml.contains("    - -c\n    - |-\n      H=") || yaml.contains("    - \"-c\"\n    - |-\n      H="), "\(yaml)")
        #expect(yaml.contains("\n      while read -r cmd n sig <&3; do\n"))
        #expect(try KubeYAML.decode(yaml) == rendered.objects(redacted: true))
    }
}
